// Generated from hubspot.email-events.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface HubSpotEmailEvent {
	portalId: number;
	id: string;
	created: number;
	type?: null | undefined | string;
	recipient?: null | undefined | string;
	appId?: null | undefined | number;
	appName?: null | undefined | string;
	emailCampaignId?: null | undefined | number;
	filteredEvent?: null | undefined | boolean;
	obsoletedById?: null | undefined | string;
	source: string;
	polledAt: number;
	rawJson: string;
}

