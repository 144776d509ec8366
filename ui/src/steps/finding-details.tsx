// A finding's technical facts (`Finding.details`, documented per check in
// wizard-core's audit module), shown in words with copyable values: the
// redirect URIs to add and the near misses found, the permissions to add,
// when a secret expires, the admin-consent page (or, for a single-tenant
// app, a way to the tenant field it needs), the entries nobody can
// recognise. Unknown shapes show nothing.

import type { Finding } from '../bindings/Finding';
import type { OpenLink } from '../api';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { CopyButton } from '../components/copy-button';
import { CopyValue } from '../components/copy-value';
import { ExternalIcon } from '../components/icons';
import { RichText } from '../components/rich-text';

type Obj = { [key in string]?: JsonValue };

function obj(v: JsonValue | undefined): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}
function list(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}
function strs(v: JsonValue | undefined): string[] {
  return list(v).filter((x): x is string => typeof x === 'string');
}
function str(v: JsonValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** The portal's names for where a redirect URI is registered. */
export const PLATFORM_LABEL: Record<string, string> = {
  web: 'Web',
  spa: 'Single-page application',
  publicClient: 'Mobile and desktop applications',
};

function platformLabel(p: string | null): string {
  return p === null ? 'another platform' : (PLATFORM_LABEL[p] ?? p);
}

/** An RFC 3339 moment as a local date ("30 September 2027"). */
export function localDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** "<found> is for the other Nylas region." with the address in monospace.
 *  Rust's explanation already names the platform when it isn't Web. */
function NearMiss({ n }: { n: Obj }) {
  const found = str(n.found) ?? '';
  const why = str(n.explanation) ?? `${found} is close to the address Nylas needs, but not the same.`;
  const foundParts = parts(n.found_parts);
  const requiredParts = parts(n.required_parts);
  return (
    <>
      <RichText text={why} />
      {foundParts.length > 0 && requiredParts.length > 0 && (
        <span class="near-miss-compare" data-testid="near-miss-compare">
          <span class="compare-row">
            <span class="compare-label">Yours:</span> <Marked parts={foundParts} />
          </span>
          <span class="compare-row">
            <span class="compare-label">Needed:</span> <Marked parts={requiredParts} />
          </span>
        </span>
      )}
    </>
  );
}

interface Part {
  text: string;
  differs: boolean;
}

/** Rust's `{text, differs}` runs of a near-miss URI. */
function parts(v: JsonValue | undefined): Part[] {
  return list(v)
    .map(obj)
    .filter((p): p is Obj => p !== null && typeof p.text === 'string')
    .map((p) => ({ text: str(p.text) ?? '', differs: p.differs === true }));
}

/** A URI with every differing part marked (underlined and tinted, so
 *  colour never carries it alone, and named for screen readers). */
function Marked({ parts: ps }: { parts: Part[] }) {
  return (
    <code class="detail-value marked-uri">
      {ps.map((p, i) =>
        p.differs ? (
          <mark key={i} class="diff-mark" data-testid="diff-mark">
            <span class="visually-hidden">[differs: </span>
            {p.text}
            <span class="visually-hidden">]</span>
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </code>
  );
}

function RedirectDetails({ d }: { d: Obj }) {
  const missing = strs(d.missing);
  const near = list(d.near_misses).map(obj).filter((x): x is Obj => x !== null);
  const nearFound = near.map((n) => str(n.found));
  const misplaced = list(d.misplaced)
    .map(obj)
    .filter((x): x is Obj => x !== null && !nearFound.includes(str(x.uri)));
  const badCallbacks = list(d.callbacks)
    .map(obj)
    .filter((x): x is Obj => x !== null && x.valid === false);
  return (
    <>
      {missing.length > 0 && (
        <div class="detail-block">
          <p class="detail-title">Add {missing.length === 1 ? 'this address' : 'these addresses'} on the Web platform, exactly:</p>
          {missing.map((u) => (
            <CopyValue key={u} value={u} label="redirect URI to add" testId="finding-missing-uri" />
          ))}
        </div>
      )}
      {near.length > 0 && (
        <div class="detail-block">
          <p class="detail-title">What your app has instead:</p>
          <ul class="detail-list">
            {near.map((n, i) => (
              <li key={i}>
                <NearMiss n={n} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {misplaced.length > 0 && (
        <div class="detail-block">
          <p class="detail-title">Registered on the wrong platform:</p>
          <ul class="detail-list">
            {misplaced.map((m, i) => (
              <li key={i}>
                <code class="detail-value">{str(m.uri)}</code>
                <span class="detail-note"> is under {platformLabel(str(m.platform))}; Nylas needs it under Web.</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {badCallbacks.length > 0 && (
        <div class="detail-block">
          <p class="detail-title">Your own callback URIs that Nylas would refuse:</p>
          <ul class="detail-list">
            {badCallbacks.map((c, i) => (
              <li key={i}>
                <code class="detail-value">{str(c.uri)}</code>
                <span class="detail-note"> — {strs(c.problems).join(' ')}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function ScopeDetails({ d }: { d: Obj }) {
  const missing = strs(d.missing);
  if (missing.length === 0) return null;
  return (
    <div class="detail-block">
      <p class="detail-title">Delegated permissions to add (Microsoft Graph):</p>
      <ul class="chip-list">
        {missing.map((s) => (
          <li key={s}>
            <code class="chip">{s}</code>
          </li>
        ))}
      </ul>
      <CopyButton text={missing.join(' ')} label="Copy the names" what="The permission names" />
    </div>
  );
}

/** What Rust found about an entry it can't recognise (`details.unknown`). */
function unrecognisedNote(u: Obj): string {
  const like = obj(u.looks_like);
  switch (str(u.problem)) {
    case 'invalid_resource': {
      const same = str(u.same_id_as);
      return `listed under “${str(u.resource) ?? ''}”, which isn't a valid resource ID${same !== null ? `; the ID is Microsoft Graph's ${same}` : ''}.`;
    }
    case 'not_a_guid':
      return 'not a permission ID.';
    default:
      return like !== null
        ? `no such permission; it looks like ${str(like.name) ?? ''} (${str(like.id) ?? ''}) with a typo.`
        : `no such permission in ${str(u.resource_name) ?? 'this API'}.`;
  }
}

function PrivilegeDetails({ d }: { d: Obj }) {
  const broad = list(d.over_broad).map(obj).filter((x): x is Obj => x !== null);
  const unneeded = list(d.unneeded).map(obj).filter((x): x is Obj => x !== null);
  const unknown = list(d.unknown).map(obj).filter((x): x is Obj => x !== null);
  if (broad.length + unneeded.length + unknown.length === 0) return null;
  return (
    <div class="detail-block">
      <ul class="detail-list">
        {broad.map((b, i) => (
          <li key={`b${i}`}>
            <code class="detail-value">{str(b.scope)}</code>
            <span class="detail-note">
              {' '}
              — <code>{str(b.narrower)}</code> is enough. {str(b.reason)}
            </span>
          </li>
        ))}
        {unneeded.map((u, i) => (
          <li key={`u${i}`}>
            <code class="detail-value">{str(u.scope)}</code>
            <span class="detail-note"> — {str(u.reason) ?? 'Not needed by the features you picked.'}</span>
          </li>
        ))}
        {unknown.map((u, i) => (
          <li key={`x${i}`} data-testid="finding-unrecognised">
            <code class="detail-value">{str(u.id)}</code>
            <span class="detail-note"> — {unrecognisedNote(u)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SecretDetails({ d }: { d: Obj }) {
  const expires = str(d.expires);
  if (expires === null) return null;
  const name = str(d.display_name);
  return (
    <p class="detail-block">
      {name !== null ? (
        <>
          The secret <strong>{name}</strong>{' '}
        </>
      ) : (
        'The newest secret '
      )}
      {new Date(expires).getTime() < Date.now() ? 'expired on ' : 'expires on '}
      <strong>{localDate(expires)}</strong>.
    </p>
  );
}

function ConsentDetails({
  d,
  appId,
  onOpen,
  onAskTenant,
}: {
  d: Obj;
  appId: string | null;
  onOpen: (link: OpenLink) => void;
  onAskTenant?: () => void;
}) {
  const url = str(d.admin_consent_url);
  const needs = strs(d.needs_admin_consent);
  if (needs.length === 0) return null;
  if (d.tenant_needed === true && onAskTenant !== undefined) {
    return (
      <div class="detail-block">
        <p class="detail-title">The admin-consent link of a single-tenant app needs your Directory (tenant) ID.</p>
        <button type="button" class="btn btn-secondary btn-small" data-testid="ask-tenant-button" onClick={onAskTenant}>
          <span>Enter your tenant ID</span>
        </button>
      </div>
    );
  }
  if (url === null || appId === null) return null;
  const clientId = appId;
  return (
    <div class="detail-block">
      <p class="detail-title">An administrator can approve the app for everyone with this page:</p>
      <CopyValue value={url} label="admin-consent link" />
      <button
        type="button"
        class="btn btn-quiet btn-small"
        onClick={() => onOpen({ kind: 'consent', tenant: str(d.admin_consent_tenant), clientId })}
      >
        <ExternalIcon size={16} />
        <span>Open the admin-consent page</span>
      </button>
    </div>
  );
}

interface DetailsProps {
  finding: Finding;
  onOpen: (link: OpenLink) => void;
  /** Opens the step's tenant field, when the step has one. */
  onAskTenant?: () => void;
}

export function FindingDetails({ finding, onOpen, onAskTenant }: DetailsProps) {
  const d = obj(finding.details);
  if (d === null) return null;
  switch (finding.check) {
    case 'redirect_uris':
      return <RedirectDetails d={d} />;
    case 'delegated_scopes':
      return <ScopeDetails d={d} />;
    case 'least_privilege':
      return <PrivilegeDetails d={d} />;
    case 'client_secret':
      return <SecretDetails d={d} />;
    case 'admin_consent':
      return <ConsentDetails d={d} appId={finding.portal.app_id} onOpen={onOpen} onAskTenant={onAskTenant} />;
    default:
      return null;
  }
}
