// How the command line shows progress (cli/progress.h), with std::cout and std::cerr captured:
// messages on stdout, warnings on stderr, statuses redrawn in place on a terminal and at most
// every 30 s elsewhere.
#include "cli/progress.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "test_util.h"

namespace dign::cli {
namespace {

using testing::Capture;

/// Puts `fd` in place of file descriptor 2 (stderr) for its lifetime.
class Stderr {
 public:
  explicit Stderr(int fd) : saved_(::dup(STDERR_FILENO)) { ::dup2(fd, STDERR_FILENO); }
  ~Stderr() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  Stderr(const Stderr&) = delete;
  Stderr& operator=(const Stderr&) = delete;

 private:
  int saved_;
};

TEST(QuietProgress, OnlyWarningsReachStderr) {
  Capture out(std::cout), err(std::cerr);
  QuietProgress progress;
  progress.message("epoch 1 done");
  progress.status("[1/2] 3/5");
  progress.warning("skipping checkpoint x.ckpt");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "warning: skipping checkpoint x.ckpt\n");
}

TEST(PlainProgress, MessagesOnStdoutWarningsOnStderr) {
  Capture out(std::cout), err(std::cerr);
  PlainProgress progress;
  progress.message("epoch 1 done");
  progress.warning("skipping checkpoint x.ckpt");
  progress.message("epoch 2 done");
  EXPECT_EQ(out.str(), "epoch 1 done\nepoch 2 done\n");
  EXPECT_EQ(err.str(), "warning: skipping checkpoint x.ckpt\n");
}

TEST(PlainProgress, AStatusWithin30SecondsOfTheStartIsNotPrinted) {
  Capture out(std::cout), err(std::cerr);
  PlainProgress progress;
  progress.status("[1/150] 3/391 loss 2.3");
  progress.status("[1/150] 4/391 loss 2.2");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "");
}

TEST(TerminalProgress, StatusIsRedrawnInPlaceAndClearedBeforeAMessage) {
  Capture out(std::cout), err(std::cerr);
  {
    TerminalProgress progress;
    progress.status("abcd");
    progress.status("ab");  // shorter: blanks over the old tail
    EXPECT_EQ(err.str(), "\rabcd\rab  ");
    progress.message("epoch 1 done");  // the 4 status columns cleared first
    EXPECT_EQ(err.str(), "\rabcd\rab  \r    \r");
    EXPECT_EQ(out.str(), "epoch 1 done\n");
    progress.warning("w");  // nothing on screen to clear
    EXPECT_EQ(err.str(), "\rabcd\rab  \r    \rwarning: w\n");
    progress.status("xyz");
  }
  // The destructor clears the status line it leaves.
  EXPECT_EQ(err.str(), "\rabcd\rab  \r    \rwarning: w\n\rxyz\r   \r");
  EXPECT_EQ(out.str(), "epoch 1 done\n");
}

TEST(MakeProgress, QuietKeepsWarningsElsewherePlainLinesOnATerminalARedrawnStatus) {
  EXPECT_NE(dynamic_cast<QuietProgress*>(make_progress(/*quiet=*/true).get()), nullptr);
  {
    const int null = ::open("/dev/null", O_WRONLY);
    ASSERT_GE(null, 0);
    Stderr redirected(null);
    const auto progress = make_progress(/*quiet=*/false);
    EXPECT_NE(dynamic_cast<PlainProgress*>(progress.get()), nullptr);
    ::close(null);
  }
  // A pseudo-terminal as stderr.
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(terminal, 0);
  {
    Stderr redirected(terminal);
    const auto progress = make_progress(/*quiet=*/false);
    EXPECT_NE(dynamic_cast<TerminalProgress*>(progress.get()), nullptr);
  }
  ::close(terminal);
  ::close(master);
}

}  // namespace
}  // namespace dign::cli
