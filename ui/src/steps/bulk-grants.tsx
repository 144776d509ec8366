// Path E, Mailboxes (issue 12, point 4): a CSV of email addresses
// (`email[,tenant]`) → one Nylas grant each through its tenant's
// admin-consent credential, without the user signing in.

import * as api from '../api';
import { BulkRunPanel, type BulkWords } from './bulk-run';
import type { StepViewProps } from './types';

const WORDS: BulkWords = {
  one: 'mailbox',
  many: 'mailboxes',
  fileTitle: 'Your mailboxes file',
  fileHelp: (
    <>
      A CSV file with a header row: <code>email</code>, and optionally <code>tenant</code> when a mailbox's domain isn't
      its tenant's. Each mailbox is connected through its tenant's admin-consent credential, so its tenant's admin must
      have given consent. The file stays on this computer: only each address goes to Nylas.
    </>
  ),
  placeholder: 'email,tenant\nmegan.bowen@contoso.com,contoso.com',
  chooseLabel: 'Choose the mailboxes file…',
  start: (n) => (n === 1 ? 'Connect the mailbox to Nylas' : `Connect ${n} mailboxes to Nylas`),
  allDone: (s) => `Every mailbox is connected to Nylas (${s.created} new, ${s.reused} already connected).`,
  next: 'You can go on to Done.',
};

export function BulkGrantsStep({ ctx }: StepViewProps) {
  return (
    <div class="bulk-grants-step" data-testid="bulk-grants-step">
      <p class="step-intro">
        Choose the list of mailboxes to connect. Nobody has to sign in: each is connected through the admin consent of
        its organization. Connecting a mailbox that is already connected simply renews it; it never makes a second one.
      </p>
      <BulkRunPanel ctx={ctx} kind="grants" words={WORDS} read={api.bulkUsersView} readFileText={api.bulkReadUsers} />
    </div>
  );
}
