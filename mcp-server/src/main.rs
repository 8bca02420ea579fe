use std::process::ExitCode;

fn main() -> ExitCode {
    match dgx_pixels::cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
