// Generated from hubspot.webhook-events.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface HubSpotWebhookEvent {
	portalId: number;
	appId?: null | undefined | number;
	eventId: string;
	subscriptionId?: null | undefined | string;
	subscriptionType: string;
	occurredAt: number;
	attemptNumber: number;
	objectId: string;
	objectTypeId?: null | undefined | string;
	propertyName?: null | undefined | string;
	propertyValue?: null | undefined | string;
	changeSource?: null | undefined | string;
	sourceId?: null | undefined | string;
	changeFlag?: null | undefined | string;
	primaryObjectId?: null | undefined | string;
	mergedObjectIds: string[];
	newObjectId?: null | undefined | string;
	receivedAt: number;
	rawJson: string;
}

