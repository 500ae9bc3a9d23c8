//! Embeds Leaflet, the map library the planner's, the technician's and the crisis preview's maps
//! draw with over a tile source. The version is the one in
//! `crates/views/static/vendor/package-lock.json`; `npm ci` installs it into this build's
//! `OUT_DIR` (never into the source tree), and the files are compiled into the binary like the
//! other static files.
//!
//! Without npm (or with `BEREDSKAP_NO_NPM=1`) the build goes on without Leaflet and says so: the
//! pages then show the server-drawn SVG map, as they do without a tile source. With `CI=true` a
//! missing Leaflet fails the build, so CI always tests the map.

use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [(&str, &str); 2] = [
    ("LEAFLET_JS", "node_modules/leaflet/dist/leaflet.js"),
    ("LEAFLET_CSS", "node_modules/leaflet/dist/leaflet.css"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let vendor = manifest.join("../views/static/vendor");
    for f in ["package.json", "package-lock.json"] {
        println!("cargo:rerun-if-changed={}", vendor.join(f).display());
    }
    println!("cargo:rerun-if-env-changed=BEREDSKAP_NO_NPM");
    println!("cargo:rerun-if-env-changed=CI");
    let dir = out.join("vendor");
    let installed = install(&vendor, &dir);
    let ci = matches!(std::env::var("CI").as_deref(), Ok("true" | "1"));
    let mut code = String::new();
    match installed {
        Ok(()) => {
            for (name, file) in FILES {
                let path = dir.join(file);
                code.push_str(&format!(
                    "/// Embedded from `{file}`.\npub const {name}: Option<&str> = Some(include_str!({:?}));\n",
                    path.display().to_string()
                ));
            }
        }
        Err(why) if ci => panic!("Leaflet is required with CI=true: {why}"),
        Err(why) => {
            println!(
                "cargo::warning=built without Leaflet ({why}); maps are drawn as SVG on the server"
            );
            for (name, _) in FILES {
                code.push_str(&format!("pub const {name}: Option<&str> = None;\n"));
            }
        }
    }
    std::fs::write(out.join("vendor.rs"), code).expect("OUT_DIR is writable");
}

/// `npm ci` of the vendor package into `dir`, unless the locked files are there already.
fn install(vendor: &Path, dir: &Path) -> Result<(), String> {
    let lock = std::fs::read(vendor.join("package-lock.json")).map_err(|e| e.to_string())?;
    let stamp = dir.join(".installed-lock");
    let have = |f: &str| dir.join(f).is_file();
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) && FILES.iter().all(|(_, f)| have(f)) {
        return Ok(());
    }
    if std::env::var_os("BEREDSKAP_NO_NPM").is_some_and(|v| v != "0") {
        return Err("BEREDSKAP_NO_NPM is set".into());
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(vendor.join(f), dir.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    let status = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--silent",
        ])
        .current_dir(dir)
        .status()
        .map_err(|e| format!("npm: {e}"))?;
    if !status.success() {
        return Err(format!("npm ci: {status}"));
    }
    if let Some((_, f)) = FILES.iter().find(|(_, f)| !have(f)) {
        return Err(format!("npm ci did not install {f}"));
    }
    std::fs::write(&stamp, lock).map_err(|e| e.to_string())?;
    Ok(())
}
