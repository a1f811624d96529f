// Generated from hubspot.contact-changes.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface HubSpotContactChange {
	portalId: number;
	contactId: string;
	appId: string;
	identity?: null | undefined | string;
	email?: null | undefined | string;
	previousEmail?: null | undefined | string;
	change: string;
	changedProperties: string[];
	mergedContactIds: string[];
	occurredAt: number;
	sourceEventId: string;
}

