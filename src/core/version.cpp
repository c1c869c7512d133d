#include "core/version.h"

#include "version_generated.h"

namespace dign {

const char* version() {
  return DIGN_VERSION;
}
const char* git_commit() {
  return DIGN_GIT_COMMIT;
}

}  // namespace dign
