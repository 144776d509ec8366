//! Path E's Admin consent step for the window (issue 12, point 3): each
//! tenant's consent link (a fresh state per link, kept in the consent
//! record), the loopback that notices the admin coming back, a pasted
//! address, and the links saved as CSV. The tenants and the session come
//! from `bulk_commands`.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tokio_util::sync::CancellationToken;
use wizard_core::bulk::{
    consent_links, consent_links_csv, consent_redirect_uri, existing_credentials,
    read_consent_redirect, BulkKind, ConsentCapture, ConsentJournal, ConsentLink, TenantRow,
    BULK_CONSENT_PORT,
};
use wizard_core::nylas::callback_uris::{add_callback_uri, list_callback_uris, CallbackUri};
use wizard_core::nylas::NylasAdmin;
use wizard_core::paths::BULK_TENANTS_STEP;
use wizard_core::state::{BulkConsentRecord, ProgressView};
use wizard_core::WizardError;

use crate::app_state::AppState;
use crate::bulk_commands::{
    kept_path, load, lock, missing_key, need, nylas, save_csv, BulkSession, Kept, PendingConsent,
};
use crate::configure_commands::MissingPrerequisite;
use crate::remote::RemoteCalls;
use crate::test_sign_in_commands::NylasBrowser;

type Result<T> = std::result::Result<T, WizardError>;

/// One tenant's consent link and whether its admin consented.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentLinkView {
    pub tenant: String,
    pub name: String,
    pub admin_email: Option<String>,
    pub credential_id: String,
    pub url: String,
    /// When the consent came back to this wizard (RFC 3339).
    pub consented_at: Option<String>,
}

/// What the Admin consent step shows.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentView {
    pub missing: Vec<MissingPrerequisite>,
    /// Where the admins' browsers come back to (a callback URI of the
    /// Nylas application, registered if it wasn't).
    pub redirect_uri: String,
    /// True when this read registered it.
    pub registered_redirect: bool,
    pub links: Vec<ConsentLinkView>,
    /// Tenants of the file without a credential yet (run the Tenants step).
    pub without_credential: Vec<String>,
    pub consented: u32,
    pub progress: ProgressView,
}

fn consent_view(
    state: &AppState,
    links: &[ConsentLink],
    tenants: &[TenantRow],
    registered_redirect: bool,
) -> Result<ConsentView> {
    let dir = state.data_dir();
    let journal = ConsentJournal::load(&dir);
    let views: Vec<ConsentLinkView> = links
        .iter()
        .map(|l| ConsentLinkView {
            tenant: l.tenant.clone(),
            name: l.name.clone(),
            admin_email: l.admin_email.clone(),
            credential_id: l.credential_id.clone(),
            url: l.url.clone(),
            consented_at: journal
                .consents
                .iter()
                .find(|c| c.tenant == l.tenant && c.credential_id == l.credential_id)
                .map(|c| c.consented_at.clone()),
        })
        .collect();
    let without_credential = tenants
        .iter()
        .filter(|t| !links.iter().any(|l| l.tenant == t.tenant))
        .map(|t| t.tenant.clone())
        .collect();
    let consented = views.iter().filter(|v| v.consented_at.is_some()).count();
    let consented = u32::try_from(consented).unwrap_or(u32::MAX);
    let total = u32::try_from(views.len()).unwrap_or(u32::MAX);
    let app = state
        .progress()
        .answers
        .nylas_account
        .map(|a| a.application_id)
        .unwrap_or_default();
    let progress = state.update(|p| {
        p.record_bulk_consent(BulkConsentRecord {
            total,
            consented,
            application_id: app,
            at: wizard_core::migrate::now_rfc3339(),
        });
        Ok(())
    })?;
    Ok(ConsentView {
        missing: Vec::new(),
        redirect_uri: consent_redirect_uri(BULK_CONSENT_PORT),
        registered_redirect,
        links: views,
        without_credential,
        consented,
        progress,
    })
}

/// Make sure the consent loopback is a callback URI of the application:
/// read, compare, add only when missing (never delete). True when added.
async fn ensure_redirect(
    admin: &NylasAdmin,
    uri: &str,
    cancel: &CancellationToken,
) -> Result<bool> {
    let there = |list: &[CallbackUri]| list.iter().any(|c| c.is_web_for(uri));
    if there(&list_callback_uris(admin, cancel).await?) {
        return Ok(false);
    }
    match add_callback_uri(admin, uri, cancel).await {
        Ok(_) => Ok(true),
        // Maybe added meanwhile: read again before failing.
        Err(e) if there(&list_callback_uris(admin, cancel).await?) => {
            tracing::debug!("callback URI already there: {e}");
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// The Admin consent step: each tenant's consent link (a fresh state per
/// link, kept in the consent record) and who consented so far. Reads the
/// credentials from Nylas; registers the loopback if it is missing.
#[tauri::command]
pub async fn bulk_consent_view(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    calls: State<'_, RemoteCalls>,
) -> Result<ConsentView> {
    let call = calls.begin("bulk_consent_view");
    let mut missing = missing_key(&state).await?;
    let dir = state.data_dir();
    let tenants: Kept<TenantRow> = load(&kept_path(&dir, BulkKind::Credentials));
    if tenants.rows.is_empty() {
        missing.push(need(
            "Your tenants, with their admin-consent credentials",
            BULK_TENANTS_STEP,
        ));
    }
    if !missing.is_empty() {
        return Ok(ConsentView {
            missing,
            redirect_uri: consent_redirect_uri(BULK_CONSENT_PORT),
            registered_redirect: false,
            links: Vec::new(),
            without_credential: Vec::new(),
            consented: 0,
            progress: state.update(|_| Ok(()))?,
        });
    }
    let (admin, app) = nylas(&state).await?;
    let redirect = consent_redirect_uri(BULK_CONSENT_PORT);
    let registered = ensure_redirect(&admin, &redirect, call.token()).await?;
    let creds = existing_credentials(&admin, call.token()).await?;
    let remote = state.remote().await?;
    let base = remote.endpoints.nylas(state.progress().answers.region());
    let links = consent_links(base, &app, &redirect, &creds, &tenants.rows);
    let mut journal = ConsentJournal::load(&dir);
    journal.remember(&links);
    journal.save(&dir)?;
    lock(&session.last).links = links.clone();
    consent_view(&state, &links, &tenants.rows, registered)
}

/// What `bulk_start_consent` answers: the link (shown, so it can be
/// copied) and whether the browser opened.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentStarted {
    pub url: String,
    pub opened: bool,
}

/// Listen for `tenant`'s consent on the loopback and open its link in the
/// browser. `bulk_finish_consent` waits for the admin.
#[tauri::command]
pub async fn bulk_start_consent(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    tenant: String,
) -> Result<ConsentStarted> {
    // A new start replaces one under way (its listener closes first, so
    // the fixed port is free again).
    session.consent.lock().await.take();
    let link = lock(&session.last)
        .links
        .iter()
        .find(|l| l.tenant == tenant)
        .cloned()
        .ok_or_else(|| {
            WizardError::invalid_input(format!("There is no consent link for {tenant}."))
                .with_hint("Read the consent links again.")
        })?;
    let capture = ConsentCapture::start(BULK_CONSENT_PORT, &link).await?;
    let practice = state.practice_info().await.enabled;
    let remote = state.remote().await?;
    let browser = NylasBrowser {
        practice_base: practice.then(|| {
            remote
                .endpoints
                .nylas(state.progress().answers.region())
                .clone()
        }),
    };
    // Without a browser the admin copies the link the window shows.
    let opened = match browser.open(&link.url) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("consent page not opened: {}", e.message);
            false
        }
    };
    *session.consent.lock().await = Some(PendingConsent {
        capture,
        tenant: link.tenant.clone(),
        credential_id: link.credential_id.clone(),
    });
    Ok(ConsentStarted {
        url: link.url,
        opened,
    })
}

fn consented(
    state: &AppState,
    session: &BulkSession,
    tenant: &str,
    credential_id: &str,
) -> Result<ConsentView> {
    let dir = state.data_dir();
    let mut journal = ConsentJournal::load(&dir);
    journal.record(tenant, credential_id);
    journal.save(&dir)?;
    tracing::info!("admin consent recorded for a tenant");
    let links = lock(&session.last).links.clone();
    let tenants: Kept<TenantRow> = load(&kept_path(&dir, BulkKind::Credentials));
    consent_view(state, &links, &tenants.rows, false)
}

/// Wait for the admin's browser to come back (Cancel:
/// `cancel_remote("bulk_finish_consent")`): consent recorded, or the
/// refusal explained.
#[tauri::command]
pub async fn bulk_finish_consent(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    calls: State<'_, RemoteCalls>,
) -> Result<ConsentView> {
    let pending = session.consent.lock().await.take().ok_or_else(|| {
        WizardError::invalid_input("No admin consent is under way.")
            .with_hint("Press Open the consent page again.")
    })?;
    let call = calls.begin("bulk_finish_consent");
    pending.capture.wait(call.token()).await?;
    consented(&state, &session, &pending.tenant, &pending.credential_id)
}

/// The address an admin's browser came back to, pasted: matched to its
/// tenant by its state, then recorded (or the refusal explained).
#[tauri::command]
pub fn bulk_paste_consent(
    state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    redirect: String,
) -> Result<ConsentView> {
    let journal = ConsentJournal::load(&state.data_dir());
    let (expected, link) = journal.link_for(&redirect).ok_or_else(|| {
        WizardError::invalid_input(
            "This address doesn't belong to any consent link this wizard made.",
        )
        .with_hint("Copy the whole address from the browser's address bar after the consent page.")
    })?;
    read_consent_redirect(&redirect, expected)?;
    let (tenant, credential_id) = (link.tenant.clone(), link.credential_id.clone());
    consented(&state, &session, &tenant, &credential_id)
}

/// Save the consent links (`tenant,name,admin_email,credential_id,consent_url`)
/// as a new CSV in Downloads, for the tenants' admins.
#[tauri::command]
pub fn bulk_save_links<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, BulkSession>,
) -> Result<String> {
    let links = lock(&session.last).links.clone();
    if links.is_empty() {
        return Err(
            WizardError::invalid_input("There are no consent links yet.")
                .with_hint("Create the tenants' credentials first, then read the links again."),
        );
    }
    save_csv(
        &app,
        "list of consent links",
        "Nylas admin consent links",
        &consent_links_csv(&links),
    )
}
