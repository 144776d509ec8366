//! The window is one page of forms and lists: WebKitGTK's accelerated
//! compositing buys it nothing visible, yet keeps layer backing stores that
//! double the web process's idle memory (155 → 77 MiB measured under Xvfb,
//! issue 13), and on desktops without a usable GPU (virtual machines, remote
//! desktops) it is the usual cause of a blank or flickering WebKit window.
//! So the page is painted without it, unless the admin's environment asks
//! for something else (`WEBKIT_DISABLE_COMPOSITING_MODE` set either way).

use tauri::{Manager, Runtime};

pub fn paint_without_compositing<R: Runtime, M: Manager<R>>(app: &M) {
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some() {
        return;
    }
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let done = window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    });
    if let Err(e) = done {
        tracing::warn!("webview painting left as it was: {e}");
    }
}
