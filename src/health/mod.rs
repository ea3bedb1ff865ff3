//! Isolated households (issue 12): a district in the seeds had 3,134 people isolated at
//! home; communities took their temperatures twice a day, took out their garbage, brought
//! medicine and sent medical help. Three slices share this folder, each plugged in on its
//! own (`crate::SLICES`):
//! - [`isolation`]: which households are isolated (an address, not an account), declared
//!   by a resident or marked by an official, ending on its date or lifted;
//! - `temperature`: the twice-daily prompts, fevers, missed reports;
//! - `errands`: garbage, medicine, medical help, someone to talk to, carried by volunteers.
//!
//! Health data stays in private chats: temperatures are seen only by the community's
//! officials, and a volunteer sees an address only for an errand they claimed.

pub mod errands;
pub mod isolation;
pub mod temperature;
