// Generated from heap.user-identities.v1.avsc by libs/schemas/scripts/generate-types.ts. Do not edit.
export interface HeapUserIdentity {
	appId: string;
	identity: string;
	emailProperty: string;
	email?: null | undefined | string;
	observedAt: number;
	source: string;
}

