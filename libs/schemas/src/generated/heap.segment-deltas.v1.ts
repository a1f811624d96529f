// Generated from heap.segment-deltas.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface HeapSegmentDelta {
	portalId: number;
	heapAppId?: null | undefined | string;
	idToken?: null | undefined | string;
	action: string;
	segmentId: string;
	segmentName?: null | undefined | string;
	syncTaskId?: null | undefined | string;
	pageNumber?: null | undefined | number;
	totalPages?: null | undefined | number;
	add: string[];
	remove: string[];
	receivedAt: number;
	source: string;
}

