//! Path E's first step, "What changed" (issue 12, point 1): why v2 Office 365
//! service accounts stopped being an option, and what replaces them in v3.
//! The words live here so the window and the CLI say the same thing; the
//! window only lays them out.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::paths::DocLink;
use crate::portal::DocTopic;

/// One heading and its sentences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExplainSection {
    /// A stable id (for the window's test ids and anchors).
    pub id: String,
    pub heading: String,
    /// Paragraphs, in order.
    pub text: Vec<String>,
}

/// What the step shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WhatChanged {
    /// One sentence, above everything else.
    pub summary: String,
    pub sections: Vec<ExplainSection>,
    /// What this path does next, one line per step, in order.
    pub next_steps: Vec<String>,
    /// What to have at hand (the two CSV files and who consents).
    pub needs: Vec<String>,
    pub docs: Vec<DocLink>,
}

fn section(id: &str, heading: &str, text: &[&str]) -> ExplainSection {
    ExplainSection {
        id: id.into(),
        heading: heading.into(),
        text: text.iter().map(|t| (*t).to_string()).collect(),
    }
}

fn doc(label: &str, topic: DocTopic) -> DocLink {
    DocLink {
        label: label.into(),
        topic,
        url: topic.url(),
    }
}

/// Path E's explanation, in plain words for a non-developer admin.
pub fn bulk_what_changed() -> WhatChanged {
    WhatChanged {
        summary: "Nylas v2 service accounts are gone for new setups; in Nylas v3 each Microsoft organization gives one admin consent instead, and then every mailbox there can be connected without its user signing in.".into(),
        sections: vec![
            section(
                "before",
                "How it used to work",
                &["With Nylas v2, one Office 365 \"service account\" could connect a whole organization's mailboxes. It relied on an Exchange role called ApplicationImpersonation, which let that one account act for every mailbox."],
            ),
            section(
                "changed",
                "What Microsoft changed",
                &[
                    "Microsoft removed the ApplicationImpersonation role from Exchange Online in May 2024.",
                    "So new v2 service accounts can't be created any more.",
                    "Service accounts you already set up keep working: nothing you connected before stops. If you have one, the \"v2 service accounts\" step can still add a user to it.",
                ],
            ),
            section(
                "instead",
                "What replaces it in Nylas v3",
                &[
                    "Each Microsoft tenant (one customer organization) gets an admin-consent credential in Nylas.",
                    "A Global Administrator or Privileged Role Administrator of that tenant opens a consent link once and approves your Azure app for the whole organization.",
                    "After that, Nylas can connect any mailbox in that tenant with just its email address: no one has to sign in, and no password is shared.",
                ],
            ),
        ],
        next_steps: vec![
            "Features, Region, Azure app, Nylas account and Microsoft connector: the same as a normal setup (the Azure app must accept other organizations).".into(),
            "Tenants: choose a CSV file of your tenants; the wizard creates one admin-consent credential per tenant.".into(),
            "Admin consent: open each tenant's consent link, or save all the links to send to the tenants' admins.".into(),
            "Mailboxes: choose a CSV file of email addresses; the wizard connects each one to Nylas.".into(),
        ],
        needs: vec![
            "A CSV file of tenants with a header row: tenant,name (and optionally admin_email). tenant is the Directory (tenant) ID or the organization's domain; name is how you call the customer.".into(),
            "A CSV file of mailboxes with a header row: email (and optionally tenant).".into(),
            "For each tenant, someone there who is Global Administrator or Privileged Role Administrator, to give consent.".into(),
        ],
        docs: vec![
            doc("Microsoft: Grant admin consent", DocTopic::MicrosoftAdminConsent),
            doc("Nylas documentation", DocTopic::NylasDocs),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_changed_when_and_what_replaces_it() {
        let w = bulk_what_changed();
        let all: String = w
            .sections
            .iter()
            .flat_map(|s| s.text.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        for want in [
            "ApplicationImpersonation",
            "May 2024",
            "can't be created",
            "keep working",
            "admin-consent credential",
        ] {
            assert!(all.contains(want), "{want} missing from: {all}");
        }
        let ids: Vec<_> = w.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["before", "changed", "instead"]);
        assert!(w.needs.iter().any(|n| n.contains("tenant,name")));
        assert!(w.needs.iter().any(|n| n.contains("email")));
        assert!(w
            .docs
            .iter()
            .any(|d| d.topic == DocTopic::MicrosoftAdminConsent));
    }
}
