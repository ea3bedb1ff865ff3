//! Which slice's branches an update goes to, decided once instead of by asking each.
//!
//! The slices' branches are dptree handlers, and dptree tries a branch by running its
//! filters, each with its own copies of what it asks for (a `Message`, a `CallbackQuery`,
//! the `Ctx`). Asking every slice in turn cost a quarter of the CPU an update takes. What
//! each kind of update can reach is known from the slices' own declarations, so the router
//! goes straight there; the order among the branches that remain is the order of
//! [`crate::SLICES`], as before:
//!
//! - **a button** goes to the one slice whose `tags` hold its tag (tags are unique, and a
//!   slice's buttons decode only its own tags); a tag of no slice, an old version or forged
//!   data is answered as a stale button;
//! - **a message** goes to every slice's command branch only when it can be a command (text
//!   beginning with `/`) or is not text at all (a shared location checks in); a chat in a
//!   dialogue then goes to that dialogue's slice alone (a slice's dialogue branch reads only
//!   its own state); what is left gets the fallback.

use std::collections::HashMap;
use std::ops::ControlFlow;

use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::di::DependencyMap;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

use crate::bot::{cbdata, CallbackData, Common, State};
use crate::Error;

type Flow = ControlFlow<crate::bot::HandlerResult, DependencyMap>;

pub struct Routes {
    /// The glue's own buttons (`Common`).
    common: UpdateHandler<Error>,
    /// A slice's buttons by tag (handlers shared by a slice's tags).
    buttons: HashMap<&'static str, UpdateHandler<Error>>,
    stale: UpdateHandler<Error>,
    /// Every slice's command branch, in slice order.
    commands: UpdateHandler<Error>,
    /// A slice's dialogue branch by slice name.
    flows: HashMap<&'static str, UpdateHandler<Error>>,
    fallback: UpdateHandler<Error>,
}

impl Routes {
    pub fn new(
        slices: &[crate::bot::slice::Slice],
        common: UpdateHandler<Error>,
        stale: UpdateHandler<Error>,
        fallback: UpdateHandler<Error>,
    ) -> Routes {
        let mut buttons = HashMap::new();
        let mut commands = dptree::entry();
        let mut flows = HashMap::new();
        for slice in slices {
            let taps = (slice.callback_branch)();
            for tag in slice.tags {
                buttons.insert(*tag, taps.clone());
            }
            commands = commands.branch((slice.command_branch)());
            flows.insert(slice.name, (slice.flow_branch)());
        }
        Routes { common, buttons, stale, commands, flows, fallback }
    }

    /// The branch a button with this data goes to (the glue's or a slice's), or `None`
    /// when no one's buttons have its tag.
    fn button(&self, data: &str) -> Option<&UpdateHandler<Error>> {
        let (tag, _) = cbdata::split(data)?;
        if Common::TAGS.contains(&tag) {
            return Some(&self.common);
        }
        self.buttons.get(tag)
    }

    /// Runs the branches `update` can reach; `deps` holds what the guard provides
    /// (`Bot`, `Update`, `Me`, `Arc<App>`, `Ctx`, `State`).
    pub async fn dispatch(&self, update: &Update, state: &State, mut deps: DependencyMap) -> Flow {
        match &update.kind {
            UpdateKind::CallbackQuery(q) => {
                let handler = q.data.as_deref().and_then(|d| self.button(d));
                deps.insert(q.clone());
                if let Some(handler) = handler {
                    deps = handler.dispatch(deps).await?;
                }
                self.stale.dispatch(deps).await
            }
            UpdateKind::Message(m) => {
                let maybe_command = m.text().is_none_or(|t| t.trim_start().starts_with('/'));
                deps.insert(m.clone());
                if maybe_command {
                    deps = self.commands.dispatch(deps).await?;
                }
                if let Some(flow) = state.slice().and_then(|s| self.flows.get(s)) {
                    deps = flow.dispatch(deps).await?;
                }
                self.fallback.dispatch(deps).await
            }
            _ => ControlFlow::Continue(deps),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> Routes {
        crate::bot::schema::routes()
    }

    #[test]
    fn every_button_of_every_slice_goes_to_that_slice_and_forged_ones_to_no_one() {
        let routes = routes();
        for slice in crate::SLICES {
            for (data, _) in (slice.buttons)() {
                let (tag, _) = cbdata::split(&data).unwrap_or_default();
                assert!(slice.tags.contains(&tag), "{}: {data} has a tag the slice does not declare", slice.name);
                assert!(routes.button(&data).is_some(), "{}: {data} reaches no handler", slice.name);
            }
        }
        for (data, _) in crate::bot::callback::buttons() {
            assert!(routes.button(&data).is_some(), "{data}");
        }
        for forged in ["", "1", "1:", "1:zz:1", "2:nn", "nn", &format!("1:nn{}", "x".repeat(64))] {
            assert!(routes.button(forged).is_none(), "{forged:?}");
        }
    }
}
