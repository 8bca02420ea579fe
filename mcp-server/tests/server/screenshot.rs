//! `bevy_screenshot` without a game to ask (real games: `examples/platformer/tests/live_swap.rs`).

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn bevy_screenshot_says_clearly_when_no_game_answers() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = error_text(&call(&client, "bevy_screenshot", json!({"port": free})).await);
    assert!(
        text.contains(&format!("no Bevy game answers on 127.0.0.1:{free}")),
        "{text}"
    );
    let text = error_text(&call(&client, "bevy_screenshot", json!({"port": 70000})).await);
    assert!(text.contains("port has the wrong type"), "{text}");
    client.cancel().await.unwrap();
}
