//! Writes the TypeScript declarations of the core's JS-facing shapes
//! (`wecom_contact_core::app::typescript::declarations`) to the file named by
//! the one argument, `miniprogram/core/types.d.ts` in `make types`:
//!
//! ```sh
//! cargo run --features ts --bin wcc-typescript -- miniprogram/core/types.d.ts
//! ```
//!
//! The file is rewritten only when its text changes, so tsc and editors
//! do not see a new file on every build.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next().map(PathBuf::from), args.next()) else {
        eprintln!("usage: wcc-typescript OUT.d.ts");
        return ExitCode::from(2);
    };
    let text = wecom_contact_core::app::typescript::declarations();
    if std::fs::read_to_string(&out).ok().as_deref() == Some(text.as_str()) {
        return ExitCode::SUCCESS;
    }
    let written = out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&out, &text));
    match written {
        Ok(()) => {
            println!("wcc-typescript: wrote {} ({} B)", out.display(), text.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wcc-typescript: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
