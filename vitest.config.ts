import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shared = fileURLToPath(new URL('./shared/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@ttt/shared': shared } },
  test: {
    include: [
      'shared/src/**/*.test.ts',
      'server/src/**/*.test.ts',
      'client/src/**/*.test.ts',
      'deploy/tests/**/*.test.ts',
    ],
    environment: 'node',
    // DynamoDB and multi-instance tests start real servers; give them room on a busy machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The AWS SDK warns about Node 20 when a client is made; the app supports it (TOOLCHAIN.md).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
