fn main() -> anyhow::Result<()> {
    dgx_pixels::cli::main()
}
