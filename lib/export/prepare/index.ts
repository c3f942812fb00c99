export { compareByteOrder } from "./byte-order.ts";
export {
  attachmentEntries,
  entriesForPost,
  isDeletedMessage,
  isEditedOriginalMessage,
  previewIdOf,
  userTypeOf,
} from "./post-entries.ts";
export {
  channelHasActivity,
  joinsAndLeavesForChannel,
  rawJoinsAndLeaves,
  type ChannelMember,
  type RawMemberEvent,
} from "./joins-leaves.ts";
export { channelTypeName, prepareBatch } from "./prepare-batch.ts";
export type * from "./types.ts";
