/**
 * Before any test: compile the Node entries (dist/node/), so the tests that start a real process
 * run what production runs.
 */
// @ts-expect-error a plain JavaScript build script, shared with `npm start`
import { buildNode } from '../../scripts/build-node.mjs';

export default async function setup(): Promise<void> {
  await (buildNode as () => Promise<void>)();
}
