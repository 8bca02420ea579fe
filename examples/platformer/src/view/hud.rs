//! The coin counter and a line of help, drawn over the game.

use bevy::color::Color;
use bevy::ecs::change_detection::DetectChanges;
use bevy::ecs::component::Component;
use bevy::ecs::query::With;
use bevy::ecs::system::{Commands, Res, Single};
use bevy::math::Vec2;
use bevy::text::{TextColor, TextFont};
use bevy::ui::widget::{Text, TextShadow};
use bevy::ui::{Node, PositionType, Val};

use crate::Score;

#[derive(Component)]
pub(super) struct CoinCounter;

const SHADOW: TextShadow = TextShadow {
    offset: Vec2::new(2.0, 2.0),
    color: Color::srgba(0.1, 0.1, 0.2, 0.8),
};

pub(super) fn spawn(mut commands: Commands) {
    let at = |top: Option<f32>, bottom: Option<f32>| Node {
        position_type: PositionType::Absolute,
        left: Val::Px(16.0),
        top: top.map_or(Val::Auto, Val::Px),
        bottom: bottom.map_or(Val::Auto, Val::Px),
        ..Node::default()
    };
    commands.spawn((
        CoinCounter,
        Text::new("Coins 0"),
        TextFont::from_font_size(32.0),
        TextColor(Color::srgb(1.0, 0.87, 0.3)),
        SHADOW,
        at(Some(12.0), None),
    ));
    commands.spawn((
        Text::new("Arrows / A D: run    Space: jump    R: restart"),
        TextFont::from_font_size(18.0),
        TextColor(Color::WHITE),
        SHADOW,
        at(None, Some(12.0)),
    ));
}

pub(super) fn update(score: Res<Score>, mut counter: Single<&mut Text, With<CoinCounter>>) {
    if !score.is_changed() {
        return;
    }
    counter.0 = if score.collected == score.total {
        format!("All {} coins!  R to play again", score.total)
    } else {
        format!("Coins {} / {}", score.collected, score.total)
    };
}
