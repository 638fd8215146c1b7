import { defineConfig } from 'vitest/config';

// The CDK app's tests: run from here, with deploy's own node_modules (npm run test:deploy at the root).
export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'bin/**/*.test.ts'],
    environment: 'node',
    // A synth of the whole stack takes a second or two; several share the machine's two cores.
    testTimeout: 60_000,
  },
});
