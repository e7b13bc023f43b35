/** Most accepted batches every store keeps in its QA log (`received`); older entries are deleted. */
export const RECEIVED_LOG_LIMIT = 1000;
