//! Manifests as Windows and macOS tools write them: CRLF line endings, a
//! UTF-8 byte-order mark (Notepad, PowerShell 7's `Out-File -Encoding utf8BOM`),
//! UTF-16 with a BOM (Windows PowerShell 5.1's `>` and `Out-File`, e.g.
//! `az ad app show --id … > app.json`; Notepad's "UTF-16 LE/BE"), a legacy
//! "ANSI" code page, and JSON escapes such as `\/` and `\u0026`. Each must read
//! exactly like the plain UTF-8 download from the Azure portal.

use std::path::Path;

use wizard_core::manifest::{decode_text, parse_manifest, parse_manifest_bytes, Platform};
use wizard_core::ErrorCode;

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests")
}

/// Every manifest of the corpus (not the expected results), by name.
fn corpus() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".expected.json")
        })
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "the corpus is there");
    out
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

fn utf16be_with_bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xFE, 0xFF];
    b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    b
}

/// The same result as the original: the same registration, or the same kind
/// of refusal.
fn assert_reads_alike(name: &str, how: &str, original: &str, variant_bytes: &[u8]) {
    let want = parse_manifest(original);
    let got = parse_manifest_bytes(variant_bytes);
    match (&want, &got) {
        (Ok(w), Ok(g)) => assert_eq!(w, g, "{name} as {how}"),
        (Err(w), Err(g)) => assert_eq!(w.code, g.code, "{name} as {how}"),
        _ => panic!("{name} as {how}: {want:?} vs {got:?}"),
    }
}

#[test]
fn crlf_line_endings_read_like_lf() {
    for (name, text) in corpus() {
        let windows = crlf(&text);
        assert!(windows.contains("\r\n") || !text.contains('\n'));
        assert_reads_alike(&name, "CRLF", &text, windows.as_bytes());
        // Pasted from the Windows clipboard into the app's text box.
        assert_eq!(
            parse_manifest(&text).ok(),
            parse_manifest(&windows).ok(),
            "{name}"
        );
    }
}

#[test]
fn utf8_bom_with_crlf_reads_like_the_download() {
    for (name, text) in corpus() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(crlf(&text).as_bytes());
        assert_reads_alike(&name, "UTF-8 BOM + CRLF", &text, &bytes);
        // The app gets text already decoded by the web view, BOM included.
        let pasted = format!("\u{feff}{}", crlf(&text));
        assert_eq!(
            parse_manifest(&text).ok(),
            parse_manifest(&pasted).ok(),
            "{name}"
        );
    }
}

#[test]
fn utf16_le_with_bom_as_windows_powershell_writes_it() {
    for (name, text) in corpus() {
        assert_reads_alike(&name, "UTF-16 LE", &text, &utf16le_with_bom(&crlf(&text)));
    }
}

#[test]
fn utf16_be_with_bom() {
    for (name, text) in corpus() {
        assert_reads_alike(&name, "UTF-16 BE", &text, &utf16be_with_bom(&text));
    }
}

#[test]
fn utf16_without_bom_is_recognised_by_its_zero_bytes() {
    // JSON text starts with an ASCII character, so UTF-16 shows as a zero
    // byte first (BE) or second (LE), which UTF-8 JSON never has (RFC 4627).
    let text = "{\"appId\":\"11111111-2222-3333-4444-555555555555\"}";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for bytes in [le, be] {
        let app = parse_manifest_bytes(&bytes).unwrap();
        assert_eq!(
            app.app_id.as_deref(),
            Some("11111111-2222-3333-4444-555555555555")
        );
    }
}

#[test]
fn non_ascii_names_survive_every_encoding() {
    // Umlauts, a dash and a character outside the BMP (a surrogate pair in UTF-16).
    let name = "Zürich Büro — Mail 📬";
    let text = format!(
        "{{\r\n  \"appId\": \"11111111-2222-3333-4444-555555555555\",\r\n  \"displayName\": \"{name}\"\r\n}}\r\n"
    );
    let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
    utf8_bom.extend_from_slice(text.as_bytes());
    for bytes in [
        text.as_bytes().to_vec(),
        utf8_bom,
        utf16le_with_bom(&text),
        utf16be_with_bom(&text),
    ] {
        assert_eq!(decode_text(&bytes), text);
        let app = parse_manifest_bytes(&bytes).unwrap();
        assert_eq!(app.display_name.as_deref(), Some(name));
    }
}

#[test]
fn a_legacy_ansi_file_is_read_with_replacement_characters() {
    // Notepad's "ANSI" (Windows-1252): ü is the single byte 0xFC, not UTF-8.
    let bytes =
        b"{\"appId\":\"11111111-2222-3333-4444-555555555555\",\"displayName\":\"Z\xFCrich\"}";
    let app = parse_manifest_bytes(bytes).unwrap();
    assert_eq!(
        app.app_id.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert_eq!(app.display_name.as_deref(), Some("Z\u{fffd}rich"));
}

#[test]
fn broken_utf16_is_refused_plainly_not_a_panic() {
    // Cut off mid-character, and an unpaired surrogate.
    let mut odd = utf16le_with_bom("{\"appId\":\"a\"}");
    odd.pop();
    let err = parse_manifest_bytes(&odd).unwrap_err();
    assert_eq!(err.code, ErrorCode::ManifestInvalid);
    let lone = [0xFF, 0xFE, b'{', 0, 0x00, 0xD8, b'}', 0];
    let err = parse_manifest_bytes(&lone).unwrap_err();
    assert_eq!(err.code, ErrorCode::ManifestInvalid);
    // Only a BOM.
    for bytes in [&[0xFF, 0xFE][..], &[0xEF, 0xBB, 0xBF][..], &[][..]] {
        let err = parse_manifest_bytes(bytes).unwrap_err();
        assert_eq!(err.code, ErrorCode::ManifestInvalid);
        assert!(err.message.contains("empty"), "{}", err.message);
    }
}

#[test]
fn a_braceless_fragment_saved_by_notepad() {
    // Copied from docs into Notepad, saved with a BOM and CRLF.
    let fragment = "\"requiredResourceAccess\": [\r\n  {\"resourceAppId\": \"00000003-0000-0000-c000-000000000000\",\r\n   \"resourceAccess\": [{\"id\": \"570282fd-fa5c-430d-a7fd-fc8dc98a9dca\", \"type\": \"Scope\"}]}\r\n],\r\n";
    for bytes in [
        {
            let mut b = b"\xEF\xBB\xBF".to_vec();
            b.extend_from_slice(fragment.as_bytes());
            b
        },
        utf16le_with_bom(fragment),
    ] {
        let app = parse_manifest_bytes(&bytes).unwrap();
        assert_eq!(app.permissions().len(), 1);
    }
}

#[test]
fn json_escapes_that_windows_tools_write_are_decoded() {
    // PowerShell 5.1's ConvertTo-Json writes & as \u0026; some serialisers
    // escape / as \/. Redirect URIs are compared byte for byte after decoding.
    let text = r#"{"appId":"a","web":{"redirectUris":["https:\/\/api.us.nylas.com\/v3\/connect\/callback","https://app.example/cb?a=1\u0026b=2"]}}"#;
    let app = parse_manifest_bytes(&utf16le_with_bom(text)).unwrap();
    assert_eq!(
        app.uris_on(Platform::Web).collect::<Vec<_>>(),
        [
            "https://api.us.nylas.com/v3/connect/callback",
            "https://app.example/cb?a=1&b=2"
        ]
    );
}

#[test]
fn windows_paths_inside_a_manifest_are_just_text() {
    // A logo or notes field holding a Windows path (escaped backslashes) is
    // not a problem for the reader.
    let text =
        r#"{"appId":"a","notes":"C:\\Users\\admin\\Downloads\\app.json","info":{"logoUrl":null}}"#;
    let app = parse_manifest_bytes(crlf(text).as_bytes()).unwrap();
    assert_eq!(app.app_id.as_deref(), Some("a"));
}
