#pragma once
// The working-day calendar a store applies: the years in share/calendar, overridden by years an
// administrator loaded into the store (`credit calendar load`, e.g. next year's notice).
#include <memory>

#include "domain/calendar.hpp"

namespace credit::store {
class Db;
}

namespace credit::service {

// Shared and immutable; rebuilt when the store's calendar changes.
std::shared_ptr<const domain::Calendar> working_calendar(store::Db& db);

}  // namespace credit::service
