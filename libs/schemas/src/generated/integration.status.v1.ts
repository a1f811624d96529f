// Generated from integration.status.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface IntegrationStatus {
	portalId: number;
	appId: string;
	eventsWritten: number;
	firstWrittenAt: number;
	lastWrittenAt: number;
	reporter: string;
}

