//! What "Configure Nylas" is asked to make true, checked before anything
//! is read or sent, and the two secrets it needs.

use secrecy::SecretString;

use crate::answers::{clean_additional_tenants, clean_client_id, clean_tenant, Answers};
use crate::error::{ErrorCode, Result, WizardError};
use crate::nylas::test_callback::test_sign_in_callback;
use crate::paths::PathId;
use crate::redirect_uris::validate_callback_uri;
use crate::regions::Region;
use crate::secrets::{SecretName, SecretStore};

/// The wanted configuration (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigureInput {
    pub region: Region,
    /// The Azure app's Application (client) ID, lower case.
    pub client_id: String,
    /// The connector's tenant: a tenant ID, a domain, `common` or
    /// `organizations`.
    pub tenant: String,
    /// The connector's scopes: the least-privilege plan, `offline_access`
    /// always included (without it Nylas gets no refresh token).
    pub scopes: Vec<String>,
    /// Callback URIs to register (the admin's own and the test sign-in's).
    pub callback_uris: Vec<String>,
    /// Tenants that get a connector credential (never the main tenant).
    pub additional_tenants: Vec<String>,
    /// The test sign-in's loopback callback, which the plan describes as
    /// the wizard's own.
    pub test_callback: Option<String>,
    /// Path E's admin-consent loopback, which the plan describes as where
    /// the tenants' admins come back.
    pub consent_callback: Option<String>,
    /// Path A sets Nylas up; path D reconfigures the connector Nylas's v2
    /// import made (its own journal, wording and record).
    pub purpose: Purpose,
}

/// Why Nylas is being configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Purpose {
    /// Path A: set up (create or update) the connector.
    #[default]
    Setup,
    /// Path D: the imported connector takes the new Azure app's settings.
    Migrate,
}

impl ConfigureInput {
    /// Checked input. `scopes` come from the scope plan
    /// (`crate::scopes::plan`); `offline_access` is added when missing.
    pub fn new(
        region: Region,
        client_id: &str,
        tenant: &str,
        scopes: &[String],
        callback_uris: &[String],
        additional_tenants: &[String],
    ) -> Result<Self> {
        let client_id = clean_client_id(Some(client_id))?.ok_or_else(|| {
            WizardError::invalid_input("Enter the Application (client) ID of your Azure app.")
                .with_hint("It is on the app's Overview page in the Azure portal.")
        })?;
        let tenant = clean_tenant(Some(tenant))?.ok_or_else(|| {
            WizardError::invalid_input("Enter the tenant of your Azure app.").with_hint(
                "Use its Directory (tenant) ID for a single-tenant app, or common for an app \
                 that accepts any organisation.",
            )
        })?;
        let mut clean_scopes: Vec<String> = Vec::new();
        for s in scopes.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if s.contains(char::is_whitespace) {
                return Err(WizardError::invalid_input(format!(
                    "\"{s}\" isn't a permission name."
                )));
            }
            if !clean_scopes.iter().any(|c| c.eq_ignore_ascii_case(s)) {
                clean_scopes.push(s.to_owned());
            }
        }
        if !clean_scopes.iter().any(|s| s == "offline_access") {
            clean_scopes.push("offline_access".into());
        }
        let mut uris: Vec<String> = Vec::new();
        for uri in callback_uris {
            let v = validate_callback_uri(uri);
            if !v.valid {
                return Err(WizardError::invalid_input(format!(
                    "\"{}\" can't be used as a callback URI: {}",
                    v.uri,
                    v.problems.join(" ")
                )));
            }
            if !uris.contains(&v.uri) {
                uris.push(v.uri);
            }
        }
        let additional_tenants = clean_additional_tenants(additional_tenants)?
            .into_iter()
            .filter(|t| !t.eq_ignore_ascii_case(&tenant))
            .collect();
        Ok(Self {
            region,
            client_id,
            tenant,
            scopes: clean_scopes,
            callback_uris: uris,
            additional_tenants,
            test_callback: None,
            consent_callback: None,
            purpose: Purpose::Setup,
        })
    }

    /// Also register the test sign-in's loopback callback on `port`.
    pub fn with_test_sign_in(mut self, port: u16) -> Self {
        let url = test_sign_in_callback(port);
        if !self.callback_uris.contains(&url) {
            self.callback_uris.push(url.clone());
        }
        self.test_callback = Some(url);
        self
    }

    /// Path A's input from the saved answers: the v3 features' scope plan,
    /// the admin's callback URIs plus the test sign-in's on `port`.
    pub fn from_answers(answers: &Answers, test_sign_in_port: u16) -> Result<Self> {
        let plan = answers.scope_plan(PathId::V3)?;
        let missing = |what: &str, step: &str| {
            WizardError::invalid_input(format!("The {what} isn't answered yet."))
                .with_hint(format!("Go back to the {step} step and enter it."))
        };
        let client_id = answers
            .client_id
            .as_deref()
            .ok_or_else(|| missing("Application (client) ID", "Azure app"))?;
        let tenant = answers
            .tenant
            .as_deref()
            .ok_or_else(|| missing("tenant", "Azure app"))?;
        Ok(Self::new(
            answers.region(),
            client_id,
            tenant,
            &plan.scope_names,
            &answers.callback_uris,
            &answers.additional_tenants,
        )?
        .with_test_sign_in(test_sign_in_port))
    }

    /// Path D's input from the saved answers: the translated v2 scopes'
    /// plan (the features they became), the admin's callback URIs (no test
    /// sign-in on this path) and the additional tenants.
    pub fn for_migration(answers: &Answers) -> Result<Self> {
        let plan = answers.scope_plan(PathId::Migrate)?;
        let missing = |what: &str| {
            WizardError::invalid_input(format!("The new Azure app's {what} isn't answered yet."))
                .with_hint("Go back to the New Azure app step and enter it.")
        };
        let client_id = answers
            .client_id
            .as_deref()
            .ok_or_else(|| missing("Application (client) ID"))?;
        let tenant = answers.tenant.as_deref().ok_or_else(|| missing("tenant"))?;
        let mut input = Self::new(
            answers.region(),
            client_id,
            tenant,
            &plan.scope_names,
            &answers.callback_uris,
            &answers.additional_tenants,
        )?;
        input.purpose = Purpose::Migrate;
        Ok(input)
    }

    /// Path E's input from the saved answers: the v3 features' plan, the
    /// admin's callback URIs plus the admin-consent loopback (where the
    /// tenants' admins come back to the wizard after consenting), no test
    /// sign-in, and no additional tenants here: path E's tenants get their
    /// admin-consent credentials in its own Tenants step.
    pub fn for_bulk(answers: &Answers) -> Result<Self> {
        let plan = answers.scope_plan(PathId::Bulk)?;
        let missing = |what: &str| {
            WizardError::invalid_input(format!("The {what} isn't answered yet."))
                .with_hint("Go back to the Azure app step and enter it.")
        };
        let client_id = answers
            .client_id
            .as_deref()
            .ok_or_else(|| missing("Application (client) ID"))?;
        let tenant = answers.tenant.as_deref().ok_or_else(|| missing("tenant"))?;
        let consent = crate::bulk::consent_redirect_uri(crate::bulk::BULK_CONSENT_PORT);
        let mut uris = answers.callback_uris.clone();
        uris.push(consent.clone());
        let mut input = Self::new(
            answers.region(),
            client_id,
            tenant,
            &plan.scope_names,
            &uris,
            &[],
        )?;
        input.consent_callback = Some(consent);
        Ok(input)
    }

    /// The journal's name for this input's plan.
    pub fn plan_id(&self) -> &'static str {
        match self.purpose {
            Purpose::Setup => super::PLAN_ID,
            Purpose::Migrate => super::MIGRATE_PLAN_ID,
        }
    }

    pub(crate) fn is_test_callback(&self, url: &str) -> bool {
        self.test_callback.as_deref() == Some(url)
    }

    /// What the plan says a callback URI of the wizard's own is for (empty
    /// for the admin's own).
    pub(crate) fn callback_note(&self, url: &str) -> &'static str {
        if self.is_test_callback(url) {
            " (the wizard's test sign-in comes back there)"
        } else if self.consent_callback.as_deref() == Some(url) {
            " (this computer's address: each tenant's admin comes back to the wizard there after giving consent)"
        } else {
            ""
        }
    }
}

/// The Nylas API key and the Azure app's client secret. `Debug` shows
/// neither.
#[derive(Clone)]
pub struct ConfigureSecrets {
    pub api_key: SecretString,
    pub client_secret: SecretString,
}

impl std::fmt::Debug for ConfigureSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfigureSecrets(<redacted>)")
    }
}

impl ConfigureSecrets {
    /// Both from the secret store (keychain, or memory in practice mode).
    pub fn from_store(store: &dyn SecretStore) -> Result<Self> {
        let get = |name: SecretName, what: &str, step: &str| {
            store.get(name.as_str()).map_err(|e| {
                if e.code == ErrorCode::SecretNotFound {
                    WizardError::new(
                        ErrorCode::SecretNotFound,
                        format!("The {what} isn't saved on this computer yet."),
                    )
                    .with_hint(format!("Enter it on the {step} step."))
                } else {
                    e
                }
            })
        };
        Ok(Self {
            api_key: get(SecretName::NylasApiKey, "Nylas API key", "Nylas account")?,
            client_secret: get(
                SecretName::AzureClientSecret,
                "Azure app's client secret",
                "Azure app",
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::AnswerUpdate;
    use crate::scopes::Preset;

    const CLIENT: &str = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";

    #[test]
    fn bulk_registers_the_consent_loopback_not_the_test_sign_in() {
        let mut a = Answers {
            client_id: Some(CLIENT.into()),
            tenant: Some("common".into()),
            callback_uris: vec!["https://app.example.com/cb".into()],
            additional_tenants: vec!["fabrikam.com".into()],
            ..Answers::default()
        };
        a.apply(
            Some(PathId::Bulk),
            AnswerUpdate::Preset(Preset::ReadOnlyInbox),
        )
        .unwrap();
        let i = ConfigureInput::for_bulk(&a).unwrap();
        assert_eq!(
            i.callback_uris,
            [
                "https://app.example.com/cb",
                "http://localhost:47618/nylas-wizard/admin-consent"
            ]
        );
        assert_eq!(i.test_callback, None);
        assert!(i
            .callback_note("http://localhost:47618/nylas-wizard/admin-consent")
            .contains("after giving consent"));
        assert_eq!(i.callback_note("https://app.example.com/cb"), "");
        assert!(i.additional_tenants.is_empty());
        assert_eq!(i.purpose, Purpose::Setup);
        assert_eq!(
            i.scopes,
            a.scope_plan(PathId::V3).unwrap().scope_names,
            "the same features as path A"
        );
        a.client_id = None;
        assert_eq!(
            ConfigureInput::for_bulk(&a).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn input_is_checked_and_offline_access_is_always_there() {
        let i = ConfigureInput::new(
            Region::Eu,
            CLIENT,
            "contoso.com",
            &["Mail.Read".into(), "mail.read".into()],
            &[
                "https://app.example.com/cb".into(),
                " https://app.example.com/cb".into(),
            ],
            &["contoso.com".into(), "Fabrikam.com".into()],
        )
        .unwrap();
        assert_eq!(i.client_id, CLIENT.to_ascii_lowercase());
        assert_eq!(i.scopes, vec!["Mail.Read", "offline_access"]);
        assert_eq!(i.callback_uris, vec!["https://app.example.com/cb"]);
        // The main tenant never gets a credential of its own.
        assert_eq!(i.additional_tenants, vec!["fabrikam.com"]);
        let i = i.with_test_sign_in(4000);
        assert!(i.is_test_callback("http://localhost:4000/nylas-wizard/test-sign-in"));
        assert_eq!(i.callback_uris.len(), 2);
        for (client, tenant, cb) in [
            ("nope", "contoso.com", "https://a.example.com/cb"),
            (CLIENT, "bad tenant!", "https://a.example.com/cb"),
            (CLIENT, "contoso.com", "ftp://x#y"),
        ] {
            let err = ConfigureInput::new(Region::Us, client, tenant, &[], &[cb.into()], &[])
                .unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
        }
    }

    #[test]
    fn from_answers_uses_the_scope_plan() {
        let mut a = Answers::default();
        let v3 = Some(PathId::V3);
        a.apply(v3, AnswerUpdate::Preset(Preset::EmailClient))
            .unwrap();
        assert!(
            ConfigureInput::from_answers(&a, 1).is_err(),
            "no client ID yet"
        );
        a.apply(v3, AnswerUpdate::ClientId(Some(CLIENT.into())))
            .unwrap();
        a.apply(v3, AnswerUpdate::Tenant(Some("contoso.com".into())))
            .unwrap();
        let i = ConfigureInput::from_answers(&a, 4711).unwrap();
        let plan = a.scope_plan(PathId::V3).unwrap();
        for s in &plan.scope_names {
            assert!(i.scopes.contains(s), "{s}");
        }
        assert!(i.scopes.iter().any(|s| s == "offline_access"));
        assert_eq!(
            i.callback_uris,
            vec!["http://localhost:4711/nylas-wizard/test-sign-in"]
        );
    }

    #[test]
    fn secrets_come_from_the_store_and_are_never_shown() {
        let store = crate::secrets::MemorySecretStore::new();
        let err = ConfigureSecrets::from_store(&store).unwrap_err();
        assert_eq!(err.code, ErrorCode::SecretNotFound);
        assert!(err.message.contains("Nylas API key"), "{err:?}");
        store
            .set(
                SecretName::NylasApiKey.as_str(),
                &SecretString::from("nyk_abc".to_owned()),
            )
            .unwrap();
        store
            .set(
                SecretName::AzureClientSecret.as_str(),
                &SecretString::from("shh-value".to_owned()),
            )
            .unwrap();
        let s = ConfigureSecrets::from_store(&store).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("nyk_abc") && !shown.contains("shh-value"));
    }
}
