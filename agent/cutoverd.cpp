// cutoverd: the deployment daemon. Everything lives in server/daemon.cpp.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "server/daemon.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"cutoverd: zero-downtime blue/green deployments behind nginx"};
  std::string config_path = "/etc/cutover/cutover.yml";
  bool show_version = false;
  cli.add_option("-c,--config", config_path, "path to cutover.yml");
  cli.add_flag("--version", show_version, "print the version and exit");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return 2;  // usage error, as for every cutover command
  }
  if (show_version) {
    std::printf("cutoverd %s\n", CUTOVER_VERSION);
    return 0;
  }
  // The boundary of last resort: threads guard themselves (util/thread_guard.hpp),
  // and what escapes start-up or shutdown still ends with a message, not an abort.
  try {
    return cutover::run_daemon(config_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cutoverd: internal error: %s; please report this with the log\n", e.what());
    return 1;
  }
}
