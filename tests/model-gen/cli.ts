// `npm run test-models [-- ID ...]`: makes the random-weight test models in tests/.models/ (all when no id is
// given); a model whose folder is already current is left as it is. The tests call the same code on demand.
import { ensureTestModels, TEST_MODELS, type TestModelId } from './test-models';

const known = Object.keys(TEST_MODELS) as TestModelId[];
const asked = process.argv.slice(2);
const unknown = asked.filter((id) => !(known as string[]).includes(id));
if (unknown.length > 0) {
  process.stderr.write(`unknown test model(s): ${unknown.join(', ')}\nknown: ${known.join(', ')}\n`);
  process.exit(2);
}
const made = ensureTestModels(asked.length > 0 ? (asked as TestModelId[]) : known, { log: (line) => process.stderr.write(`${line}\n`) });
process.stderr.write(made.length === 0 ? 'test models: all current\n' : `test models: made ${made.length}\n`);
