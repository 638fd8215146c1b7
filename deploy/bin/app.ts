import { App } from 'aws-cdk-lib';
import { readSettings, SettingsError } from '../lib/settings.js';
import { TicTacToeStack } from '../lib/tictactoe-stack.js';

/** The CDK app: one stack, configured by context (docs/deploy-aws.md lists the keys). */
const app = new App();
let settings: ReturnType<typeof readSettings>;
try {
  settings = readSettings((key) => app.node.tryGetContext(key));
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// Environment-agnostic: synth needs no account, credentials or network; deploy takes them from the AWS profile.
new TicTacToeStack(app, settings.stackName, {
  stackName: settings.stackName,
  description: 'Tic-tac-toe on ECS Fargate behind a load balancer, with DynamoDB (deploy/ in the repository)',
  settings,
});
