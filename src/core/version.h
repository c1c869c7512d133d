#pragma once
// What every output records as provenance. The commit is read at build time
// (cmake/version.cmake), so only version.cpp recompiles when it changes.
namespace dign {

const char* version();
/// Short git commit of the build, "-dirty" when tracked files had changes, or "unknown".
const char* git_commit();

}  // namespace dign
