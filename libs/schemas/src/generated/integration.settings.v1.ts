// Generated from integration.settings.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface SegmentSyncSetting {
	segmentId: string;
	name?: null | undefined | string;
	mode: string;
}

export interface IntegrationSettings {
	portalId: number;
	tenantId: string;
	heapAppId: string;
	state: string;
	sourceEnabled: boolean;
	emailProperty: string;
	heapMatchProperty: string;
	hubspotMatchProperty: string;
	segments: SegmentSyncSetting[];
	version: number;
	updatedAt: number;
}

