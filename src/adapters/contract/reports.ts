// The wire contract of GET /v1/reports/{kind} shared by the HTTP route and the remote CLI: the
// response headers that carry the detached signature and the checkpoint the report was computed at.

/** The detached signature's JSON line (the `.sig` file's content, without its newline). */
export const signatureHeader = "x-sluice-report-signature";
/** `size=N; root=BASE64` of the log checkpoint. */
export const checkpointHeader = "x-sluice-checkpoint";
