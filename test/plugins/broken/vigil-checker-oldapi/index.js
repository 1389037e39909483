// Never imported: package.json declares an incompatible "vigil.apiVersion".
export default {
  keyword: 'OLDAPI_CHECK',
  run: async () => true,
};
