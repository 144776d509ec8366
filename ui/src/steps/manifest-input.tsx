// Three ways to hand over the app manifest: choose the downloaded file, drop
// it on the drop zone, or paste its JSON. The text stays in memory only; it
// is never saved with the progress.

import { useRef, useState } from 'preact/hooks';
import type { OpenLink } from '../api';
import { ExternalIcon, FileIcon } from '../components/icons';
import { Term } from '../components/term';

interface ManifestInputProps {
  busy: boolean;
  /** The largest manifest file Rust accepts: `session.limits.max_manifest_bytes`. */
  maxBytes: number;
  /** The manifest text and where it came from (a file name, or null when pasted). */
  onManifest: (text: string, source: string | null) => void;
  /** A file that couldn't be read, in plain words. */
  onReadError: (message: string) => void;
  onOpenPortal: () => void;
  /** After "I've fixed it": ask for the updated manifest, here. */
  waiting?: boolean;
  /** Opens a documentation page (the "manifest" explanation's link). */
  onOpenDocs?: (link: OpenLink) => void;
}

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(file);
  });
}

export function ManifestInput({
  busy,
  maxBytes,
  onManifest,
  onReadError,
  onOpenPortal,
  waiting = false,
  onOpenDocs,
}: ManifestInputProps) {
  const [pasted, setPasted] = useState('');
  const [dragging, setDragging] = useState(false);
  const [pasteHint, setPasteHint] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const takeFile = async (file: File | undefined) => {
    if (file === undefined) return;
    if (file.size > maxBytes) {
      onReadError(`${file.name} is far too large to be an app manifest.`);
      return;
    }
    try {
      onManifest(await readFile(file), file.name);
    } catch {
      onReadError(`${file.name} couldn't be read. Download the manifest again and choose the new file.`);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!busy) void takeFile(e.dataTransfer?.files?.[0]);
  };

  const checkPasted = () => {
    if (busy) return;
    if (pasted.trim() === '') {
      setPasteHint(true);
      return;
    }
    setPasteHint(false);
    onManifest(pasted, null);
  };

  return (
    <section class="step-section manifest-input" aria-labelledby="manifest-title">
      <h2 class="group-title" id="manifest-title">
        Check your app registration
      </h2>
      <p class="group-help">
        The wizard reads your app's <Term term="manifest" onOpen={onOpenDocs}>manifest</Term> — a file the Azure portal gives you — and checks it against what Nylas
        needs. Nothing in Azure changes.
      </p>
      <ol class="howto">
        <li>
          In the Azure portal, open <strong>App registrations</strong> and choose your app.
        </li>
        <li>
          In the menu on the left, choose <strong>Manifest</strong>.
        </li>
        <li>
          Click <strong>Download</strong> and save the file.
        </li>
      </ol>
      <button type="button" class="btn btn-quiet btn-small inline-action" onClick={onOpenPortal}>
        <ExternalIcon size={16} />
        <span>Open App registrations in Azure portal</span>
      </button>

      {waiting && (
        <p class="recheck-ask" data-testid="recheck-ask" role="status">
          Download the manifest again (your app → <strong>Manifest</strong> → <strong>Download</strong>) and choose it
          here, or paste it below. Your earlier results stay dimmed until then.
        </p>
      )}
      <div
        class={dragging ? 'drop-zone is-dragging' : 'drop-zone'}
        data-testid="manifest-drop"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <FileIcon size={26} class="drop-icon" />
        <p class="drop-text">
          {dragging ? 'Drop the file to check it' : 'Drop the downloaded manifest file here, or'}
        </p>
        <label class="btn btn-secondary file-button">
          <input
            ref={fileRef}
            id="manifest-file"
            type="file"
            accept=".json,application/json"
            class="visually-hidden"
            data-testid="manifest-file-input"
            disabled={busy}
            onChange={(e) => {
              const input = e.currentTarget;
              void takeFile(input.files?.[0]).finally(() => {
                // Choosing the same file again (after fixing it) checks it again.
                input.value = '';
              });
            }}
          />
          <span>Choose file…</span>
        </label>
        <p class="drop-note">The file stays on this computer.</p>
      </div>

      <div class="paste-area">
        <label class="field-label" for="manifest-paste">
          Or paste the manifest JSON
        </label>
        <textarea
          id="manifest-paste"
          class="text-input mono manifest-paste"
          rows={4}
          spellcheck={false}
          autoComplete="off"
          placeholder={'{ "appId": "…", "displayName": "…", … }'}
          value={pasted}
          aria-describedby={pasteHint ? 'manifest-paste-hint' : undefined}
          data-testid="manifest-paste"
          onInput={(e) => {
            setPasted(e.currentTarget.value);
            setPasteHint(false);
          }}
        />
        {pasteHint && (
          <p class="field-hint" id="manifest-paste-hint" role="status">
            Paste the whole manifest first: open it in the Azure portal, select everything and copy it.
          </p>
        )}
        <div class="paste-actions">
          <button
            type="button"
            class="btn btn-primary"
            data-testid="manifest-check-button"
            aria-disabled={busy ? 'true' : undefined}
            onClick={checkPasted}
          >
            {busy ? 'Checking…' : 'Check this manifest'}
          </button>
        </div>
      </div>
    </section>
  );
}
