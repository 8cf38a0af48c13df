/** The pure conversation engine: one `step` per message a person sends. */
export { step, ABOUT_TOPIC, type StepResult } from './step.js';
export { initialState, type ConversationState } from './state.js';
export type { Availability, EngineContext } from './replies.js';
export { matchTopic, isUrgent, parseStartPayload, entryLinkIn, type TopicMatch, type DeepLink } from './understanding.js';
