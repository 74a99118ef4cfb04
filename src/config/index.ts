// Configuration files: read a JSON file once and validate it against a part's zod schema, naming each bad field.
// Shared by every Node part, like src/errors.ts; may import only the shared src/*.ts.
export { loadConfigFile, parseConfig } from './load-config.ts';
