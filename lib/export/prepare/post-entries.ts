// Classification of one selected post into export entries (EXPORT-FORMATS.md §3.3) and the
// attachment entries of each (§3.4). Pure functions.

import type { ExportFileInfo, ExportPost } from "../model.ts";
import type { FileDeletedEntry, PostEntry, UploadEntry, UserType } from "./types.ts";

function hasKey(props: Record<string, unknown>, key: string): boolean {
  return (
    props !== null && typeof props === "object" && Object.prototype.hasOwnProperty.call(props, key)
  );
}

/** DeleteAt > 0 and the props carry a `deleteBy` key (the post was deleted, not replaced by an edit). */
export function isDeletedMessage(post: ExportPost): boolean {
  return post.deleteAt > 0 && hasKey(post.props, "deleteBy");
}

/** The row Mattermost keeps for a post's pre-edit text: DeleteAt > 0 and an OriginalId. */
export function isEditedOriginalMessage(post: ExportPost): boolean {
  return post.deleteAt > 0 && post.originalId !== "";
}

/**
 * The `previewed_post` prop (permalink preview), else "". Mattermost panics on a non-string value;
 * Custodian treats it as absent.
 */
export function previewIdOf(post: ExportPost): string {
  if (!hasKey(post.props, "previewed_post")) return "";
  const value = post.props["previewed_post"];
  return typeof value === "string" ? value : "";
}

export function userTypeOf(isBot: boolean): UserType {
  return isBot ? "bot" : "user";
}

/**
 * Upload and deleted-file entries for one post entry (postToAttachmentsEntries).
 * `ignoreDeleted` is set for the extra "created" entry of a deleted post: every file is then an
 * upload, deleted or not.
 */
export function attachmentEntries(
  post: ExportPost,
  files: readonly ExportFileInfo[] | undefined,
  ignoreDeleted: boolean,
): { files: ExportFileInfo[]; uploads: UploadEntry[]; deletedFiles: FileDeletedEntry[] } {
  if (post.fileIds.length === 0) return NO_ATTACHMENTS;
  const infos = [...(files ?? [])];
  const userType = userTypeOf(post.isBot);
  const previewsPost = previewIdOf(post);
  const postDeleted = isDeletedMessage(post);
  const uploads: UploadEntry[] = [];
  const deletedFiles: FileDeletedEntry[] = [];
  for (const file of infos) {
    if (file.deleteAt > 0 && !ignoreDeleted) {
      deletedFiles.push({
        post,
        file,
        updatedType: "FileDeleted",
        updateAt: file.deleteAt,
        message: "delete " + file.path,
        userType,
        previewsPost,
      });
      // The upload was recorded with the created entry, unless the post itself is still there
      // (file deleted, post kept): then the upload is recorded here too.
      if (postDeleted) continue;
    }
    uploads.push({ post, file, userType });
  }
  return { files: infos, uploads, deletedFiles };
}

// Most posts have no files: they share one frozen set of empty lists (no three arrays per post).
const NONE = Object.freeze([]) as unknown as never[];
const NO_ATTACHMENTS = Object.freeze({ files: NONE, uploads: NONE, deletedFiles: NONE });

function entry(
  post: ExportPost,
  fields: Pick<PostEntry, "updatedType" | "updateAt" | "message" | "editedNewMsgId">,
  files: readonly ExportFileInfo[] | undefined,
  ignoreDeleted: boolean,
): PostEntry {
  const attachments = attachmentEntries(post, files, ignoreDeleted);
  return {
    post,
    updatedType: fields.updatedType,
    updateAt: fields.updateAt,
    message: fields.message,
    editedNewMsgId: fields.editedNewMsgId,
    previewsPost: previewIdOf(post),
    userType: userTypeOf(post.isBot),
    uploads: attachments.uploads,
    deletedFiles: attachments.deletedFiles,
    files: attachments.files,
  };
}

/**
 * The entries for one selected post, in generation order (getPostExport plus the extra created
 * entry of a deleted post whose creation no earlier run exported: post.createdEntryDue when the
 * change feed decided it, else Mattermost's CreateAt >= jobStartTime).
 */
export function entriesForPost(
  post: ExportPost,
  files: readonly ExportFileInfo[] | undefined,
  jobStartTime: number,
): PostEntry[] {
  const out: PostEntry[] = [];
  const deleted = isDeletedMessage(post);
  const editedOriginal = isEditedOriginalMessage(post);
  if (deleted && !editedOriginal && (post.createdEntryDue ?? post.createAt >= jobStartTime)) {
    out.push(
      entry(
        post,
        { updatedType: "", updateAt: 0, message: post.message, editedNewMsgId: "" },
        files,
        true,
      ),
    );
  }
  if (editedOriginal) {
    out.push(
      entry(
        post,
        {
          updatedType: "EditedOriginalMsg",
          updateAt: post.updateAt,
          message: post.message,
          editedNewMsgId: post.originalId,
        },
        files,
        false,
      ),
    );
  } else if (deleted) {
    out.push(
      entry(
        post,
        {
          updatedType: "Deleted",
          updateAt: post.deleteAt,
          message: "delete " + post.message,
          editedNewMsgId: "",
        },
        files,
        false,
      ),
    );
  } else if (post.updateAt > post.createAt || post.editAt > 0) {
    // `|| editAt > 0` (Custodian): a text replaced by re-ingest without moving update_at keeps the old
    // text as an edited original and marks the live row edited (lib/ingest/write/decide-post-write.ts);
    // it is an EditedNewMsg even when update_at = create_at. Mattermost's own edits always move update_at.
    const updatedType = post.editAt > 0 ? "EditedNewMsg" : "UpdatedNoMsgChange";
    out.push(
      entry(
        post,
        { updatedType, updateAt: post.updateAt, message: post.message, editedNewMsgId: "" },
        files,
        false,
      ),
    );
  } else {
    out.push(
      entry(
        post,
        { updatedType: "", updateAt: 0, message: post.message, editedNewMsgId: "" },
        files,
        false,
      ),
    );
  }
  return out;
}
