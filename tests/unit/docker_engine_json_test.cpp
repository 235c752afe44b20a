#include "docker/engine_json.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace cutover {
namespace {

using nlohmann::json;

ContainerSpec web_spec() {
  ContainerSpec spec;
  spec.name = "web-7-0";
  spec.image = "cutover/web:0123456789ab";
  spec.labels = {{"cutover.app", "web"}, {"cutover.release", "web@7"}};
  spec.env = {"APP_ENV=production"};
  spec.container_port = 8080;
  spec.host_port = 20014;
  spec.binds = {"/srv/web/uploads:/app/uploads"};
  return spec;
}

TEST(ContainerCreateBody, PublishesTheAppPortOnLoopbackOnly) {
  const json body = json::parse(container_create_body(web_spec()));

  EXPECT_EQ(body["Image"], "cutover/web:0123456789ab");
  EXPECT_EQ(body["Labels"]["cutover.release"], "web@7");
  EXPECT_EQ(body["Env"], json({"APP_ENV=production"}));
  EXPECT_EQ(body["ExposedPorts"], json::parse(R"({"8080/tcp":{}})"));
  EXPECT_EQ(body["HostConfig"]["PortBindings"],
            json::parse(R"({"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"20014"}]})"));
  EXPECT_EQ(body["HostConfig"]["Init"], true);
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
  EXPECT_EQ(body["HostConfig"]["Binds"], json({"/srv/web/uploads:/app/uploads"}));
  EXPECT_FALSE(body.contains("Cmd")) << "an empty command must leave the image's CMD in place";
}

TEST(ContainerCreateBody, OverridesTheCommandOnlyWhenGiven) {
  ContainerSpec spec = web_spec();
  spec.cmd = {"bin/worker", "--queue", "default"};
  EXPECT_EQ(json::parse(container_create_body(spec))["Cmd"], json({"bin/worker", "--queue", "default"}));
}

TEST(ContainerCreateBody, PublishesNothingWithoutAContainerPort) {
  ContainerSpec spec = web_spec();
  spec.container_port = 0;
  const json body = json::parse(container_create_body(spec));
  EXPECT_FALSE(body.contains("ExposedPorts"));
  EXPECT_FALSE(body["HostConfig"].contains("PortBindings"));
}

TEST(LabelFilters, MatchesAnyValueOfALabelGivenWithoutOne) {
  EXPECT_EQ(json::parse(label_filters({{"cutover.app", "web"}, {"cutover.role", ""}})),
            json::parse(R"({"label":["cutover.app=web","cutover.role"]})"));
}

TEST(ParseContainerList, ReadsIdNameStateAndLabels) {
  const auto list = parse_container_list(R"([
    {"Id":"abc","Names":["/web-7-0"],"State":"running","Labels":{"cutover.app":"web"}},
    {"Id":"def","Names":[],"State":"exited","Labels":null}])");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "abc");
  EXPECT_EQ((*list)[0].name, "web-7-0");
  EXPECT_EQ((*list)[0].state, "running");
  EXPECT_EQ((*list)[0].labels, (Labels{{"cutover.app", "web"}}));
  EXPECT_EQ((*list)[1].name, "");
  EXPECT_TRUE((*list)[1].labels.empty());
}

TEST(ParseContainerList, RejectsAnythingButAList) {
  EXPECT_FALSE(parse_container_list(R"({"message":"oops"})"));
}

TEST(ParseCreatedId, NeedsAnId) {
  EXPECT_EQ(parse_created_id(R"({"Id":"abc","Warnings":[]})").value(), "abc");
  EXPECT_FALSE(parse_created_id(R"({"Warnings":[]})"));
}

TEST(AnswerMessage, PrefersDockersMessageOverTheRawBody) {
  HttpResponse json_answer{409, "{\"message\":\"Conflict. The container name is already in use\"}\n"};
  EXPECT_EQ(answer_message(json_answer), "dockerd answered HTTP 409: Conflict. The container name is already in use");
  HttpResponse text_answer{502, "Bad Gateway\n"};
  EXPECT_EQ(answer_message(text_answer), "dockerd answered HTTP 502: Bad Gateway");
}

}  // namespace
}  // namespace cutover
