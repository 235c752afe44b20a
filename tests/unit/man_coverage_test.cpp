// The man pages against the code: every key the config loader accepts has a
// tag in cutover.yml(5), every command and option of the built cutover one
// in cutover(1), every option of the built cutoverd one in cutoverd(8), and
// the three pages render without a groff warning.
//
// What counts as documented (a mention in running text does not):
// - A tag is the line after .TP or .TQ. Its bold runs are the text that
//   .B, .BI, .BR, .IB, .RB or \fB set in bold.
// - A config key is the first word of a tag's first bold run ("state_dir"
//   in `.BI state_dir: " path"`), inside the .RS blocks opened under its
//   parents' tags. A comment `.\" key-context: apps defaults` names the
//   parents of the tags that follow at its depth (until its .RE or the next
//   .SH). Names and list items are no level of their own in the page:
//   apps.*.routes[].host is the tag host under the tag routes under apps.
// - A command is a bold run equal to its path or starting with it and a
//   space ("env wake" in `.BI "env wake" " env"`); a group such as env is
//   documented by its subcommands.
// - An option is a word of a bold run ("--follow" in `.BR \-f ", " \-\-follow`).
//   Options are not tied to their command's tag: -h,--help is on every command.
//
// The programs' commands and options come from their --help (CLI11's
// "Options:" and "Subcommands:" lists), asked recursively of the binaries
// that tests/CMakeLists.txt names in CUTOVER_CLI and CUTOVER_DAEMON.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/load.hpp"
#include "util/subprocess.hpp"

namespace cutover {
namespace {

const std::filesystem::path kManDir = CUTOVER_MAN_DIR;

std::string read_page(const std::string& name) {
  std::ifstream in(kManDir / name);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(in) << "cannot read " << (kManDir / name);
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

// ---- Reading roff tags

struct Run {
  char font;  // 'B', 'I' or 'R'
  std::string text;
};

void add_text(std::vector<Run>& runs, char font, std::string_view text) {
  if (text.empty()) return;
  if (!runs.empty() && runs.back().font == font)
    runs.back().text += text;
  else
    runs.push_back({font, std::string(text)});
}

// What a two-letter special character \(xx prints, as far as tags need it.
std::string_view special_character(std::string_view name) {
  if (name == "dq") return "\"";
  if (name == "aq") return "'";
  if (name == "en" || name == "em" || name == "hy") return "-";
  return " ";
}

// Text with escapes, starting in `font`; \fB, \fI, \fR and \fP change it.
void read_inline(std::string_view text, char font, std::vector<Run>& runs) {
  char previous = font;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      add_text(runs, font, text.substr(i, 1));
      continue;
    }
    const char code = text[++i];
    if (code == 'f' && i + 1 < text.size()) {
      const char wanted = text[++i];
      const char next = wanted == 'P' ? previous : (wanted == 'B' || wanted == 'I' ? wanted : 'R');
      previous = font;
      font = next;
    } else if (code == '(' && i + 2 < text.size()) {
      add_text(runs, font, special_character(text.substr(i + 1, 2)));
      i += 2;
    } else if (code == ' ' || code == '~') {
      add_text(runs, font, " ");
    } else if (code == 'e' || code == '\\') {
      add_text(runs, font, "\\");
    } else if (std::string_view("&c|^%").find(code) == std::string_view::npos) {
      add_text(runs, font, text.substr(i, 1));  // \- and the rest print themselves
    }
  }
}

// A macro's arguments: words, or "quoted text" with "" for a quote.
std::vector<std::string> macro_arguments(std::string_view rest) {
  std::vector<std::string> arguments;
  std::size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] == ' ') {
      ++i;
      continue;
    }
    std::string argument;
    if (rest[i] == '"') {
      for (++i; i < rest.size(); ++i) {
        if (rest[i] != '"') {
          argument += rest[i];
        } else if (i + 1 < rest.size() && rest[i + 1] == '"') {
          argument += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
    } else {
      for (; i < rest.size() && rest[i] != ' '; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) argument += rest[i++];
        argument += rest[i];
      }
    }
    arguments.push_back(argument);
  }
  return arguments;
}

// The bold runs of a tag line, trimmed.
std::vector<std::string> bold_runs(const std::string& line) {
  std::vector<Run> runs;
  if (!line.starts_with('.')) {
    read_inline(line, 'R', runs);
  } else {
    const std::size_t space = line.find(' ');
    const std::string macro = line.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    const auto arguments = macro_arguments(space == std::string::npos ? "" : std::string_view(line).substr(space));
    if (macro == "B" || macro == "I") {
      std::string joined;
      for (const auto& argument : arguments) joined += (joined.empty() ? "" : " ") + argument;
      read_inline(joined, macro[0], runs);
    } else if (macro.size() == 2 && macro.find_first_not_of("BIR") == std::string::npos) {
      for (std::size_t i = 0; i < arguments.size(); ++i) read_inline(arguments[i], macro[i % 2], runs);
    }
  }
  std::vector<std::string> bold;
  for (const auto& run : runs)
    if (run.font == 'B' && !trimmed(run.text).empty()) bold.push_back(trimmed(run.text));
  return bold;
}

// A config key leads a tag's first bold run: "state_dir" of "state_dir:".
std::string key_of(const std::vector<std::string>& bold) {
  if (bold.empty()) return "";
  const std::string& run = bold.front();
  std::size_t end = 0;
  while (end < run.size() && (std::isalnum(static_cast<unsigned char>(run[end])) || run[end] == '_')) ++end;
  return run.substr(0, end);
}

struct Tag {
  std::vector<std::string> bold;
  std::vector<std::string> key_paths;  // its key under each of its parents
};

// Every tag of a page, with the key paths its nesting gives it.
std::vector<Tag> read_tags(const std::string& page) {
  constexpr std::string_view kKeyContext = ".\\\" key-context:";
  std::vector<Tag> tags;
  std::vector<std::vector<std::string>> parents{{""}};  // of the tags at each .RS depth
  std::vector<std::vector<std::string>> openers;        // the tag each .RS was opened under
  std::vector<std::string> latest;                      // key paths of the tags the body belongs to
  enum class Next { text, tag, another_tag } next = Next::text;
  for (const std::string& line : lines_of(page)) {
    if (next != Next::text) {
      Tag tag{bold_runs(line), {}};
      if (const std::string key = key_of(tag.bold); !key.empty())
        for (const auto& parent : parents.back()) tag.key_paths.push_back(parent.empty() ? key : parent + "." + key);
      if (next == Next::tag) latest.clear();
      latest.insert(latest.end(), tag.key_paths.begin(), tag.key_paths.end());
      tags.push_back(std::move(tag));
      next = Next::text;
      continue;
    }
    if (line.starts_with(kKeyContext)) {
      parents.back() = words_of(std::string_view(line).substr(kKeyContext.size()));
      latest.clear();
      continue;
    }
    const auto words = words_of(line);
    const std::string macro = words.empty() ? "" : words.front();
    if (macro == ".TP") {
      next = Next::tag;
    } else if (macro == ".TQ") {
      next = Next::another_tag;
    } else if (macro == ".RS") {
      parents.push_back(latest.empty() ? parents.back() : latest);  // .RS under no tag is no level
      openers.push_back(latest);
      latest.clear();
    } else if (macro == ".RE" && parents.size() > 1) {
      parents.pop_back();
      latest = openers.back();
      openers.pop_back();
    } else if (macro == ".SH" || macro == ".SS") {
      parents = {{""}};
      openers.clear();
      latest.clear();
    } else if (macro == ".PP" || macro == ".P" || macro == ".LP") {
      latest.clear();
    }
  }
  return tags;
}

// ---- The programs' commands and options, from their --help

struct Surface {
  std::vector<std::string> commands;            // "status", "env", "env wake", ...
  std::map<std::string, std::string> options;   // "--tail" → the first command that has it
};

struct HelpLists {
  std::vector<std::string> options, subcommands;
};

// CLI11 lists entries two spaces in, under "Options:" and "Subcommands:"
// (upper case in newer CLI11); wrapped descriptions are indented further.
HelpLists read_help(const std::string& help) {
  HelpLists lists;
  std::vector<std::string>* section = nullptr;
  for (const std::string& line : lines_of(help)) {
    if (!line.empty() && line.front() != ' ') {
      std::string header;
      for (char c : line) header += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      section = header == "options:" ? &lists.options : header == "subcommands:" ? &lists.subcommands : nullptr;
      continue;
    }
    if (section == nullptr || !line.starts_with("  ") || line.size() < 3 || line[2] == ' ') continue;
    const std::string entry = words_of(line).front();
    if (section == &lists.subcommands) {
      lists.subcommands.push_back(entry);
      continue;
    }
    std::istringstream names(entry);
    for (std::string name; std::getline(names, name, ',');)
      if (name.starts_with('-')) lists.options.push_back(name);
  }
  return lists;
}

void explore(const std::string& binary, const std::vector<std::string>& command, Surface& surface) {
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), command.begin(), command.end());
  argv.push_back("--help");
  const auto run = run_process(argv, Millis{10000});
  ASSERT_TRUE(run) << run.error().message;
  std::string path;
  for (const auto& word : command) path += (path.empty() ? "" : " ") + word;
  ASSERT_EQ(run->exit_code, 0) << binary << " " << path << " --help:\n" << run->output;
  const HelpLists lists = read_help(run->output);
  ASSERT_FALSE(lists.options.empty()) << "no options read from " << path << " --help:\n" << run->output;
  for (const auto& option : lists.options) surface.options.try_emplace(option, path.empty() ? "(top level)" : path);
  for (const auto& name : lists.subcommands) {
    auto sub = command;
    sub.push_back(name);
    surface.commands.push_back(path.empty() ? name : path + " " + name);
    explore(binary, sub, surface);
  }
}

Surface surface_of(const std::string& binary) {
  Surface surface;
  explore(binary, {}, surface);
  return surface;
}

bool names_command(const std::vector<Tag>& tags, const std::string& command) {
  for (const auto& tag : tags)
    for (const auto& run : tag.bold)
      if (run == command || run.starts_with(command + " ")) return true;
  return false;
}

bool names_option(const std::vector<Tag>& tags, const std::string& option) {
  for (const auto& tag : tags) {
    for (const auto& run : tag.bold) {
      std::string word;
      for (char c : run + " ") {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
          word += c;
        } else {
          if (word == option) return true;
          word.clear();
        }
      }
    }
  }
  return false;
}

void expect_page_covers(const std::string& page, const std::string& binary) {
  const auto tags = read_tags(read_page(page));
  const Surface surface = surface_of(binary);
  for (const auto& command : surface.commands)
    EXPECT_TRUE(names_command(tags, command)) << "command \"" << command << "\" has no bold tag in man/" << page;
  for (const auto& [option, command] : surface.options)
    EXPECT_TRUE(names_option(tags, option)) << "option " << option << " (of " << command << ") has no bold tag in man/"
                                            << page;
}

// ---- Config keys

// A loader path as the page nests it: apps.*.routes[].host → apps.routes.host.
std::string page_path(const std::string& key_path) {
  std::string path;
  std::istringstream levels(key_path);
  for (std::string level; std::getline(levels, level, '.');) {
    if (level == "*") continue;
    if (level.ends_with("[]")) level.resize(level.size() - 2);
    path += (path.empty() ? "" : ".") + level;
  }
  return path;
}

std::set<std::string> tagged_keys(const std::vector<Tag>& tags) {
  std::set<std::string> keys;
  for (const auto& tag : tags) keys.insert(tag.key_paths.begin(), tag.key_paths.end());
  return keys;
}

TEST(ManCoverage, CutoverYmlTagsEveryKeyTheLoaderAccepts) {
  const auto tagged = tagged_keys(read_tags(read_page("cutover.yml.5")));
  for (const auto& key : config_key_paths())
    EXPECT_TRUE(tagged.contains(page_path(key)))
        << key << " has no tag in man/cutover.yml.5 (wanted: a .TP tag whose first bold word is "
        << page_path(key).substr(page_path(key).rfind('.') + 1) << ", nested as " << page_path(key) << ")";
}

TEST(ManCoverage, CutoverYmlTagsNoKeyTheLoaderRefuses) {
  std::set<std::string> accepted, sections;
  for (const auto& key : config_key_paths()) {
    accepted.insert(page_path(key));
    if (key.find('.') == std::string::npos) sections.insert(key);
  }
  for (const auto& key : tagged_keys(read_tags(read_page("cutover.yml.5")))) {
    if (!sections.contains(key.substr(0, key.find('.')))) continue;  // a tag outside the schema, such as a file
    EXPECT_TRUE(accepted.contains(key)) << "man/cutover.yml.5 has a tag for " << key << ", which the loader refuses";
  }
}

TEST(ManCoverage, CutoverManualTagsEveryCommandAndOption) { expect_page_covers("cutover.1", CUTOVER_CLI); }

TEST(ManCoverage, CutoverdManualTagsEveryOption) { expect_page_covers("cutoverd.8", CUTOVER_DAEMON); }

// The coverage rules above read what they are meant to.
TEST(ManCoverage, TagsAreReadFromBoldRunsAndNesting) {
  const auto tags = read_tags(
      ".SH A\n.TP\n.B apps\n.RS\n.\\\" key-context: apps defaults\n.TP\n.BI health: \" mapping\"\n.RS\n"
      ".TP\n.BI path: \" target\"\nbody naming\n.B \\-\\-interval\n.RE\n.RE\n.TP\n.BR \\-f \", \" \\-\\-follow\n.TP\n"
      ".BI \"env wake\" \" env\\fR, \\fP\" \"env sleep\" \" env\"\n.TP\n.I duration\n.RS\n.TP\n.B x\n.RE\n");
  EXPECT_EQ(tagged_keys(tags), (std::set<std::string>{"apps", "apps.health", "defaults.health", "apps.health.path",
                                                       "defaults.health.path", "env", "x"}));
  EXPECT_TRUE(names_option(tags, "--follow"));
  EXPECT_TRUE(names_option(tags, "-f"));
  EXPECT_FALSE(names_option(tags, "--interval"));
  EXPECT_TRUE(names_command(tags, "env sleep"));
  EXPECT_TRUE(names_command(tags, "env"));
  EXPECT_FALSE(names_command(tags, "env ls"));
}

TEST(ManCoverage, HelpListsAreReadFromCli11Output) {
  const auto lists = read_help(
      "about\nUsage: cutover [OPTIONS] SUBCOMMAND\n\nOptions:\n  -h,--help                   Print this help\n"
      "  --socket TEXT               the socket\n                              wrapped --not-an-option\n\n"
      "Subcommands:\n  status                      apps\n  env                         environments\n");
  EXPECT_EQ(lists.options, (std::vector<std::string>{"-h", "--help", "--socket"}));
  EXPECT_EQ(lists.subcommands, (std::vector<std::string>{"status", "env"}));
}

TEST(ManCoverage, PagesRenderWithoutWarnings) {
  for (const char* page : {"cutoverd.8", "cutover.1", "cutover.yml.5"}) {
    const auto run = run_process({"groff", "-man", "-ww", "-z", (kManDir / page).string()}, Millis{30000});
    ASSERT_TRUE(run) << "groff is needed (Debian package groff-base): " << run.error().message;
    EXPECT_EQ(run->exit_code, 0) << page;
    EXPECT_EQ(run->output, "") << "groff -man -ww warns about man/" << page;
  }
}

}  // namespace
}  // namespace cutover
