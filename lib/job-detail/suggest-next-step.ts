/**
 * A suggested next step for a failed job's error, for the job detail page. Matches the engine's
 * own error texts loosely; an unknown error gets the generic advice.
 */
export function suggestNextStep(error: string): string {
  const e = error.toLowerCase();
  if (/enospc|no space|disk full|quota/.test(e))
    return "Free disk space where the export store lives (CUSTODIAN_EXPORT_DIR), then retry: the retry continues after the last finished batch.";
  if (/without progress/.test(e))
    return "The job was started several times in a row without writing a batch. Check the server log for this job's id (the worker stopping, or an error that keeps recurring), fix the cause, then retry: the retry continues after the last finished batch.";
  if (/^database error/.test(e))
    return "The database refused an operation. Check the server log for this job's id and the database's health, then retry.";
  if (/smtp|auth|535|credentials|password/.test(e))
    return "Check the Global Relay SMTP settings with Test connection on the Compliance Export page, then retry.";
  if (/econnrefused|etimedout|timeout|enotfound|network|connection/.test(e))
    return "The archive or a server could not be reached. Check the network and the server name, then retry.";
  if (/lease|worker|heartbeat/.test(e))
    return "The worker stopped while running the job. Check that a worker is running (Overview → Worker), then retry.";
  if (/not enabled/.test(e))
    return "Enable Compliance Export and save, or use Export from… for a one-off run.";
  if (/attachment|file store|missing file|enoent/.test(e))
    return "An attachment could not be read from the file store. Check CUSTODIAN_FILE_STORE_DIR, then retry.";
  if (/cancel/.test(e))
    return "The job was canceled. Run it again when you are ready; finished batches are kept.";
  return "Retry the job. If it fails again, check the server log for this job's id.";
}
