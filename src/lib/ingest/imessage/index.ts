// iMessage exports: imessage-exporter TXT and HTML, and iMazing CSV. Each parser is sync and pure;
// all share the item model of ../types (author "Me" for the exporting person, system items for events).

export { parseImessageTxt, chatNameFromExporterFile } from './txt';
export { parseImessageHtml } from './html';
export { parseImazingCsv, isImazingHeader, isTapbackText } from './imazing';
export { IMESSAGE_TIMESTAMP_LINE, parseTimestampLine } from './timestamp';
