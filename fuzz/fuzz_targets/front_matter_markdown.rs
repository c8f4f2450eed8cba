//! Front matter (TOML and YAML) and Markdown rendering must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        aula::fuzzing::front_matter_and_markdown(source);
    }
});
