// Plain names for the audit's checks (CheckId), as headings and for
// "Checked by: …" in Diagnose. A Record, so a new check fails the type check
// until it has a name here.

import type { CheckId } from './bindings/CheckId';

export const CHECK_NAMES: Record<CheckId, string> = {
  client_id: 'Client ID',
  tenant: 'Tenant',
  sign_in_audience: 'Supported account types',
  access_token_version: 'Access token version',
  redirect_uris: 'Redirect URIs',
  delegated_scopes: 'API permissions',
  application_permissions: 'Application permissions',
  least_privilege: 'Only the permissions you need',
  offline_access: 'Staying connected (offline_access)',
  implicit_grant: 'Implicit grant and ID tokens',
  public_client: 'Allow public client flows',
  client_secret: 'Client secret',
  admin_consent: 'Admin consent',
  publisher_verification: 'Publisher verification',
};
