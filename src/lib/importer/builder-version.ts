// The version of the persona builder (turns, profile, pairs, memories). Bump it whenever the builder's
// output changes: at start the app rebuilds every stored persona built by an older version, keeping what
// the user wrote. 2: turns, pairs and statistics are built per imported chat, never across two.
export const BUILDER_VERSION = 2;
