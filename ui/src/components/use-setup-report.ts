// What both Done steps do with the setup report: read it with the change
// log when the step opens (again on retry), save it as files, and go to a
// step that is left to do. Errors from saving or going are the view's
// "action" error, shown beside what was clicked.

import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { type SavedReport, type WizardApiError, toWizardError } from '../api';
import type { Change } from '../bindings/Change';
import type { SetupReport } from '../bindings/SetupReport';
import type { StepContext } from '../steps/types';
import { lastAudit, lastClientId } from './summary-panel';

export function useSetupReport(ctx: StepContext) {
  const [report, setReport] = useState<SetupReport | null>(null);
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<SavedReport | null>(null);
  const [actionError, setActionError] = useState<WizardApiError | null>(null);

  const load = async () => {
    setLoading(true);
    setError(null);
    try {
      const [r, log] = await Promise.all([api.setupReport(lastClientId(), lastAudit()), api.listChanges()]);
      setReport(r);
      setChanges(log.changes);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setActionError(null);
    try {
      setSaved(await api.saveReport(lastClientId(), lastAudit()));
    } catch (e) {
      setActionError(toWizardError(e));
    } finally {
      setSaving(false);
    }
  };

  const goTo = async (step: string) => {
    try {
      ctx.applyProgress(await api.goToStep(step));
    } catch (e) {
      setActionError(toWizardError(e));
    }
  };

  /** A step's title on this path (its id if unknown). */
  const title = (step: string) => ctx.path.steps.find((s) => s.id === step)?.title ?? step;

  return { report, setReport, changes, loading, error, load, saving, saved, save, actionError, setActionError, goTo, title };
}
