#pragma once
// Makes the connections IngestServer serves, one kind per transport (ingest_connection.cpp
// holds the HTTP work, written once for all three).

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "asio/asio.hpp"
#include "ingest/ingest_server.hpp"

namespace canhose::ingest {

std::shared_ptr<IngestServer::Connection> make_tcp_connection(IngestServer& server,
                                                              asio::ip::tcp::socket socket,
                                                              std::string peer,
                                                              std::uint64_t number);
std::shared_ptr<IngestServer::Connection> make_tls_connection(IngestServer& server,
                                                              asio::ip::tcp::socket socket,
                                                              asio::ssl::context& tls,
                                                              std::string peer,
                                                              std::uint64_t number);
std::shared_ptr<IngestServer::Connection> make_unix_connection(
    IngestServer& server, asio::local::stream_protocol::socket socket, std::uint64_t number);

}  // namespace canhose::ingest
