// The hand-written golden expectations of the shared fixtures (tests/unit/golden), reused by the e2e
// tests so the counts the app shows are checked against the same independent answers.
export { goldenExpectation } from '../unit/golden/expectations';
