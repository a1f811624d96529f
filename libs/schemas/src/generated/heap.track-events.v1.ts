// Generated from heap.track-events.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface HeapTrackEvent {
	appId: string;
	portalId: number;
	identity: string;
	event: string;
	timestamp: string;
	idempotencyKey: string;
	properties: { [index:string]:string | number };
	sourceEventId: string;
}

