// A plugin whose initialisation fails: importing it throws.
throw new Error('cannot initialise: the THROWS_CHECK backend is not configured');
