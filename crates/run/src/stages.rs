//! The pipeline a configuration describes: the decoder and the stages it switches
//! on, in pipeline order, each built (and its data loaded) from its own settings.

use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::stage::Stage;
use newsprep_core::Pipeline;
use newsprep_decode::Decoder;
use newsprep_dedup::Dedup;
use newsprep_entities::gazetteer::GazetteerError;
use newsprep_entities::link::LinkPeople;
use newsprep_entities::Entities;
use newsprep_language::{Language, UnknownLanguage};

/// A stage could not be built from its settings: a configuration error (exit code 2
/// in the binary), found before anything runs.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `[language]` names a language the identifier does not know.
    #[error(transparent)]
    Language(#[from] UnknownLanguage),
    /// `[entities]` names a gazetteer that cannot be read.
    #[error(transparent)]
    Entities(#[from] GazetteerError),
}

/// The decoder and the stages `config` switches on, in pipeline order, with the
/// settings `newsprep run` gives them: the one builder of both the run's pipeline and
/// the Python bindings' stages, so that the two cannot drift apart.
pub fn build_stages(config: &Config) -> Result<(Decoder, Vec<Stage>), BuildError> {
    let decoder = Decoder::new(&config.decode)
        .keeping_removed(config.boilerplate.enabled && config.boilerplate.keep_removed);
    let mut stages = Vec::new();
    if config.boilerplate.enabled {
        stages.push(Stage::corpus(Boilerplate::new(&config.boilerplate)));
    }
    if config.language.enabled {
        stages.push(Stage::document(Language::new(&config.language)?));
    }
    if config.dedup.enabled {
        stages.push(Stage::corpus(Dedup::new(&config.dedup)));
    }
    if config.entities.enabled {
        stages.push(Stage::document(Entities::new(&config.entities)?));
        if config.entities.link_people {
            stages.push(Stage::corpus(LinkPeople::default()));
        }
    }
    Ok((decoder, stages))
}

/// The stages of [`build_stages`] as a pipeline. It runs on the current Rayon pool;
/// [`crate::run`] adds the spill, the restorer and the cancel flag a run needs.
pub fn build_pipeline(config: &Config) -> Result<Pipeline, BuildError> {
    let (decoder, stages) = build_stages(config)?;
    let pipeline = Pipeline::new(decoder, config.export.row_group_size);
    Ok(stages.into_iter().fold(pipeline, Pipeline::with_stage))
}
