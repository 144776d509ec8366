//! Reading what the admin hands the command line (a manifest, an answers
//! file, text on standard input) without trusting its size: at most one
//! byte more than the limit is read, so `/dev/zero`, a FIFO that never ends
//! or a huge pipe is refused with a plain error instead of filling memory.

use std::io::Read;
use std::path::Path;

/// Up to `max` bytes from `reader`; more is refused as `what` being too
/// large (e.g. "This file", "The text on standard input").
pub fn read_limited(reader: impl Read, max: usize, what: &str) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(max as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Err(too_large(max, what));
    }
    Ok(bytes)
}

/// A file's bytes, refused by its size when the file system knows it, and
/// otherwise (a pipe, a device) after at most `max + 1` bytes.
pub fn read_file_limited(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > max as u64 {
        return Err(too_large(max, "it"));
    }
    read_limited(file, max, "it")
}

fn too_large(max: usize, what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("{what} is over {}, far too large", size(max)),
    )
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_reader_is_cut_at_one_byte_over_the_limit() {
        let e = read_limited(std::io::repeat(0), 1024, "The text").unwrap_err();
        assert_eq!(e.to_string(), "The text is over 1 KB, far too large");
        assert_eq!(read_limited(&b"abc"[..], 3, "x").unwrap(), b"abc");
    }
}
