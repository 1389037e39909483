// Never imported: the trailing comma in package.json makes the package unreadable.
export default undefined;
